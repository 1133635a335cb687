from cartnav.cli import main

main()
