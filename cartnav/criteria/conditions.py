"""Conditions (GVHD, infections, HIV/HBV/HCV, pregnancy, CNS status, other malignancy, ...) and the
items that are not patient facts: consent (informed consent, assent, contraception agreement,
willingness to comply) and logistics (travel, caregiver, follow-up availability, insurance).

A condition the text negates ("no active GVHD", "HIV negative") keeps ``negated: true``; a
condition named inside an exception clause ("except carcinoma in situ") is left out.
"""

from __future__ import annotations

import re

from cartnav.criteria.gates import TermIndex
from cartnav.criteria.negation import in_exception, negated_after, negated_before
from cartnav.criteria.prefilter import with_first_chars
from cartnav.domain.criterion import Constraint

_GVH = r"graft[- ]+(?:versus|vs\.?|v|-|against)[- ]+host(?:[- ]+(?:disease|reaction|response))?"
_CNS = r"(?:cns|central\s+nervous\s+system)"
# a word an adjective must not reach across ("uncontrollable medical disease, active infection")
_NOT_A_NOUN = r"(?!(?:diseases?|illness(?:es)?|conditions?|disorders?)\b)"
_CONDITIONS: list[tuple[str, str]] = [
    ("hiv", r"(?<![a-z])hiv(?![a-z])|human\s+immunodeficiency\s+virus|(?<![a-z])aids(?![a-z])"),
    (
        "hbv",
        # (not "hepatitis B surface antibody" / HBsAb: immunity, not infection)
        r"hepatitis\s+b\b(?!\s+surface\s+antibod)(?:\s+virus)?|(?<![a-z])hbv(?![a-z])|"
        r"(?<![a-z])hbsag(?![a-z])|(?<![a-z])hbcab(?![a-z])",
    ),
    (
        "hcv",
        r"hepatitis\s+c\b(?:\s+virus)?|(?<![a-z])hcv(?![a-z])|"
        r"(?:(?<=hepatitis b or )|(?<=hepatitis b and )|(?<=hepatitis b/)|(?<=hepatitis b, )|"
        r"(?<=hepatitis b and/or ))c\b",
    ),
    ("syphilis", r"syphilis|treponema"),
    ("tuberculosis", r"tuberculosis"),
    ("active_gvhd", rf"active\s+(?:acute\s+|chronic\s+)?(?:(?<![a-z])gvhd(?![a-z])|{_GVH})"),
    ("gvhd", rf"(?<![a-z])gvhd(?![a-z])|{_GVH}"),
    (
        "uncontrolled_infection",
        # (not across a noun the adjective qualifies: "uncontrollable medical disease, active
        # infection")
        r"(?:uncontrolled|uncontrollable|not\s+controlled|poorly\s+controlled)\s+"
        rf"(?:{_NOT_A_NOUN}[\w-]+,?\s+){{0,4}}?"
        r"infections?|infections?\s+(?:that\s+(?:is|are)\s+|which\s+(?:is|are)\s+)?"
        r"(?:uncontrolled|not\s+controlled)|"
        r"infect\w*\s+(?:[\w,-]+\s+){0,8}?(?:difficult|hard)\s+to\s+control|"
        # "uncontrolled, symptomatic, intercurrent illness including but not limited to infection"
        r"(?:uncontrolled|not\s+controlled)\W+(?:[\w-]+\W+){0,3}?(?:illness|disease|condition)s?"
        r"\W+(?:including|such\s+as)(?:\s+but\s+not\s+limited\s+to)?\W+(?:[\w-]+\s+){0,2}?"
        r"infections?",
    ),
    (
        "active_infection",
        r"active\s+(?:[\w-]+\s+){0,3}?infections?|active\s+infectious\s+(?:[\w-]+\s+){0,3}?diseases?|"
        r"infections?\s+requiring\s+(?:systemic\s+|iv\s+|"
        r"intravenous\s+)?(?:treatment|therapy|antibiotics|antimicrobials|antifungals|antivirals)|"
        r"(?:severe|serious|intercurrent)\s+(?:(?:acute|active|intercurrent|systemic|bacterial|viral|"
        r"fungal|or|and|/),?\s+){0,5}infections?|\bacute\s+(?:[\w-]+\s+){0,2}?infections?|"
        r"\bsepsis\b|\bseptic\b|bacter(?:a)?emia|fung(?:a)?emia",
    ),
    # a pregnancy test named by its hormone: "negative serum or urine HCG test"
    ("pregnancy", r"pregnan(?:t|cy)|(?:(?:β|beta)[- ]?)?\bh?cg\b(?=\s+(?:pregnancy\s+)?test)"),
    (
        "breastfeeding",
        r"breast[- ]?feed\w*|lactat\w+|(?<=or\s)nursing|"
        r"nursing\s+(?:women|mothers|females|patients)|(?<=non-)nursing|(?<=non )nursing",
    ),
    ("cns3", r"\bcns[- ]?3\b|\bcns\s+(?:grade\s+|status\s+)?(?:3|iii)\b"),
    ("cns2", r"\bcns[- ]?2\b|\bcns\s+(?:grade\s+|status\s+)?(?:2|ii)\b"),
    (
        "active_cns_disease",
        rf"(?:active|uncontroll(?:ed|able)|symptomatic|unstable)\s+(?:(?:or|and/or|and)\s+(?:active|"
        rf"uncontroll(?:ed|able)|symptomatic|unstable)\s+)?(?:{_CNS}|brain)\s+(?:\(cns\)\s+)?"
        rf"(?:[\w-]+\s+){{0,2}}?(?:disease|involvement|"
        r"leu[ck]a?emia|lymphoma|malignan\w+|tumou?rs?|metastas\w+)|"
        r"\bsymptoms?\s+of\s+(?:brain|cns|central\s+nervous\s+system)\s+(?:metastas\w+|involvement|disease)",
    ),
    (
        "cns_involvement",
        rf"{_CNS}\s+(?:tumou?r\s+)?mass(?:es)?\b|"
        rf"{_CNS}\s*(?:\(cns\)\s+)?(?:/\s*(?:meningeal|leptomeningeal)\s+)?(?:involvement|"
        rf"leu[ck]a?emia|lymphoma|relapse|infiltration|metastas\w+|metastatic\s+disease|malignan\w+)|"
        rf"brain\s+metastas\w+|\bcns\s+disease(?!\s+prophyla)|(?:involvement|infiltration)\s+of\s+(?:the\s+)?{_CNS}|"
        r"(?:lepto-?)?meningeal\s+(?:disease|involvement|metastas\w+|carcinomatosis|spread)",
    ),
    (
        "other_malignancy",
        r"(?:other|another|second|secondary|prior|previous|history\s+of|concurrent|concomitant|"
        r"additional|coexisting|active)\s+(?:[\w-]+\s+){0,3}?(?:malignan\w+|cancers?|tumou?rs?|"
        # ("previous tumor samples": tissue, not a cancer)
        r"neoplasms?)(?!\s+(?:samples?|tissues?|specimens?|biops\w+|blocks?|slides?))|"
        r"\bmalignan(?:cy|cies|t\s+tumou?rs?)\s+history|"
        # "Malignancies other than disease under study within 5 years"
        r"\bmalignan(?:cy|cies)\s+other\s+than\b|"
        # "malignant tumor within 5 years, with the exception of ...": an earlier cancer
        r"(?:\bmalignan(?:cy|cies|t\s+tumou?rs?)|\b(?:tumou?r|cancer)\s+history)\s+"
        r"(?:within|in)\s+(?:the\s+)?(?:(?:past|last|previous)\s+)?"
        r"(?:\d+|one|two|three|five)\s+years?",
    ),
    (
        "autoimmune_disease",
        r"auto-?immune|lupus\s+erythematosus|\bsle\b|rheumatoid\s+arthritis|"
        # (inflammatory bowel disease is left out: annotators read it as a bowel disease)
        r"psoriasis|scleroderma|systemic\s+sclerosis|vasculitis|sj[oö]gren|still'?s\s+disease",
    ),
    (
        "cardiac_disease",
        r"(?:cardiac|heart)\s+(?:disease|disorder|failure|insufficiency|dysfunction|arrh?ythmias?)|"
        r"(?:cardiac|heart|cardiovascular)(?=\s+(?:or|and|and/or|/)\s+[\w-]+\s+(?:diseases?|disorders?|"
        r"insufficiency|failure|dysfunction))|"
        r"myocardial\s+infarction|myo-?infarction|arrh?ythmias?|congestive\s+heart|"
        r"cardiovascular\s+(?:disease|dysfunction)|unstable\s+angina|"
        r"(?:acute\s+)?coronary\s+(?:syndrome|artery\s+disease|heart\s+disease)|"
        r"pericardial\s+effusions?|"
        r"(?:ecg|electrocardiogra\w*|conduction|rhythm)\s+(?:[\w,]+\s+){0,3}?abnormalit\w*|"
        r"abnormalit\w*\s+(?:in|of|on)\s+(?:the\s+)?(?:ecg|electrocardiogra\w*)|"
        r"(?:significant|abnormal)\s+(?:ecg|electrocardiogra\w*)\s+(?:findings|changes)|"
        r"bundle\s+branch\s+block|atrioventricular\s+block|\bav\s+block|long\s+qt\s+syndrome|"
        r"torsades?\s+de\s+pointes|cardiomyopath\w+|myocarditis|pericarditis|"
        r"valvular\s+heart\s+disease|heart\s+valve\s+disease|atrial\s+fibrillation|"
        r"ventricular\s+(?:tachycardia|fibrillation|arrh?ythmias?)|angina\s+pectoris|"
        r"coronary\s+(?:artery\s+bypass|stent\w*|angioplasty)|nyha\s+(?:class\s+)?(?:iii|iv|3|4)\b|"
        r"pacemakers?|implantable\s+cardioverter|(?:cardiac|heart)\s+abnormalit\w+|"
        r"(?:poor|inadequate)\s+blood\s+pressure\s+control|uncontrolled\s+blood\s+pressure|"
        r"blood\s+pressure\s+(?:is\s+)?(?:not\s+(?:well\s+)?|poorly\s+|un)controlled|"
        # "cardiac function class III-IV according to NYHA"
        r"(?:cardiac|heart)\s+function\s+(?:class|grade)\s*(?:iii|iv|3|4)\b(?=[^.;]{0,40}\bnyha\b)|"
        r"hypertensive\s+(?:crisis|crises|emergenc\w+|urgenc\w+|heart\s+disease)|"
        r"(?:uncontrolled|poorly\s+controlled|severe|malignant)\s+(?:arterial\s+)?hypertension|"
        # plain (arterial) hypertension, not of the lungs, the skull, the portal vein or the eye
        r"(?<!pulmonary\s)(?<!arterial\s)(?<!intracranial\s)(?<!portal\s)(?<!ocular\s)"
        r"\bhypertension\b(?!\s*\(?pah\b)",
    ),
    ("seizure_disorder", r"seizures?|epilep\w+|convulsi\w+"),
    ("allergy", r"allerg\w+|hypersensitiv(?:ity|e\s+reactions?)|anaphyla\w+"),
    (
        "organ_dysfunction",
        r"organ\s+(?:failure|dysfunction|insufficiency)|"
        # "insufficient bone marrow reserve or organ function"
        r"\b(?:insufficient|inadequate|poor|impaired)\s+(?:[\w-]+\s+){0,4}?(?:major\s+|vital\s+)?"
        r"organ\s+functions?\b",
    ),
    (
        "immunodeficiency",
        r"(?<!human\s)(?<!acquired\s)immuno-?deficienc\w*(?!\s+virus)|immune\s+deficiency|"
        r"immunodeficient|"
        r"immuno-?compromised",
    ),
    (
        "liver_disease",
        r"(?:chronic\s+)?liver\s+disease|cirrhosis|(?:hepatic|liver)\s+(?:failure|insufficiency)|"
        r"(?:severe|serious)\s+(?:hepatic|liver)\s+(?:dysfunction|impairment)|"
        r"child[- ]pugh\s+(?:class\s+)?[bc]\b",
    ),
    (
        "htlv1",
        r"\bhtlv(?:[- ]?(?:1|i))?\b|human\s+t[- ]cell\s+(?:lymphotropic|leu[ck]a?emia)\s+virus",
    ),
    ("ebv", r"\bebv\b|epstein[- ]barr"),
    ("cmv", r"\bcmv\b|cytomegalovirus"),
    (
        "thrombosis",
        r"thromb(?:osis|oses|us|i)\b|thrombo-?embol\w*|thrombophilia|\bembolism|"
        # "arterial thrombotic/embolic events"
        r"\bthrombotic\s*(?:/\s*embolic\s+|or\s+embolic\s+|\s)(?:events?|episodes?|complications?|"
        r"disorders?|diseases?)|"
        r"deep\s+ve(?:in|nous)\s+thromb\w*|\bdvt\b",
    ),
    (
        "pulmonary_disease",
        r"(?:pulmonary|lung|respiratory)\s+(?:disease|failure|insufficiency|dysfunction|fibrosis)|"
        r"interstitial\s+(?:lung\s+disease|pneumonitis)|\bcopd\b|pleural\s+effusions?|"
        r"(?:pulmonary|lung)\s+interstitial\s+disease|pneumonitis|"
        r"(?:pulmonary|lung|respiratory)\s+(?:function\s+)?(?:damag|impair)\w*|\basthma\b|"
        r"bronchiectasis|pulmonary\s+(?:arterial\s+)?hypertension",
    ),
    (
        "substance_abuse",
        r"(?:drugs?|alcohol|substances?)\s*(?:/\s*\w+\s*)?(?:abuse|addiction|dependence|misuse)|"
        r"\balcoholism\b|\balcoholics?\b|\bdrug\s+addicts?\b|\bdrugs?\s+of\s+abuse\b",
    ),
    (
        "metabolic_disease",
        r"metabolic\s+(?:disease|disorder)s?|diabetes(?:\s+mellitus)?",
    ),
    (
        "genetic_disease",
        r"genetic\s+(?:disease|disorder|syndrome)s?|hereditary\s+(?:disease|syndrome)s?|"
        r"multiple\s+endocrine\s+neoplasia",
    ),
    (
        "neurological_disorder",
        r"\btia\b|transient\s+isch(?:a)?emic\s+attacks?|"
        r"neurolog\w*\s+(?:disorders?|diseases?|conditions?)|encephalopath(?:y|ies)|"
        r"central\s+nervous\s+system\s+(?:diseases|disorders?)|"
        r"(?:disease|disorder)s?\s+(?:in|of)\s+(?:the\s+)?central\s+nervous\s+system|"
        r"(?:peripheral\s+)?neuropath(?:y|ies)|\bstrokes?\b|(?:cerebrovascular|cerebral\s+vascular)\s+(?:accident|disease|"
        r"ischa?emia|events?)|\bmigraines?\b|dementia|parkinson'?s?\s+disease|"
        r"multiple\s+sclerosis|myasthenia|encephalitis|aphasia|"
        r"cerebellar\s+(?:disease|dysfunction|disorder)|\bcns\s+disorders?|"
        r"(?:intracranial|intracerebral|cerebral)\s+(?:ha?emorrhage|bleeding|infarction)|"
        r"transient\s+isch(?:a)?emic\s+attacks?",
    ),
]
_TRIGGERS: dict[str, frozenset[str]] = {  # word prefixes (see gates.py)
    "hiv": frozenset({"aids", "hiv", "huma"}),
    "hbv": frozenset({"hbca", "hbsa", "hbv", "hepa"}),
    "hcv": frozenset({"hcv", "hepa"}),
    "syphilis": frozenset({"syph", "trep"}),
    "tuberculosis": frozenset({"tube"}),
    "active_gvhd": frozenset({"graf", "gvhd"}),
    "gvhd": frozenset({"graf", "gvhd"}),
    "uncontrolled_infection": frozenset({"infe"}),
    "active_infection": frozenset({"infe"} | {"seps", "sept", "bact", "fung"}),
    "pregnancy": frozenset({"preg", "nonp", "hcg"}),
    "breastfeeding": frozenset({"brea", "lact", "nurs"}),
    "cns3": frozenset({"cns"}),
    "active_cns_disease": frozenset({"cns", "nerv", "brai"}),
    "cns_involvement": frozenset({"cns", "nerv", "brai", "lept", "meni"}),
    "other_malignancy": frozenset({"canc", "mali", "neop", "tumo"}),
    "autoimmune_disease": frozenset(
        {"auto", "lupu", "sle", "rheu"} | {"psor", "scle", "vasc", "sjog", "sj", "stil"}
    ),
    "cardiac_disease": frozenset(
        {
            "angi",
            "arrh",
            "arry",
            "card",
            "hear",
            "myo",
            "myoc",
            "coro",
            "peri",
            "ecg",
            "elec",
            "abno",
        }
        | {"rhyt", "bund", "atri", "av", "hype", "long", "tors"}
        | {"vent", "valv", "nyha", "pace", "impl", "bloo"}
    ),
    "seizure_disorder": frozenset({"conv", "epil", "seiz"}),
    "allergy": frozenset({"alle", "anap", "hype"}),
    "organ_dysfunction": frozenset({"orga"}),
    "cns2": frozenset({"cns"}),
    "immunodeficiency": frozenset({"immu"}),
    "liver_disease": frozenset({"live", "cirr"} | {"hepa", "pugh"}),
    "neurological_disorder": frozenset(
        {"neur", "nerv", "stro", "cere", "migr", "deme", "park", "scle", "myas"}
        | {"ence", "apha", "cns", "intr", "isch", "tia"}
    ),
    "htlv1": frozenset({"htlv", "huma"}),
    "ebv": frozenset({"ebv", "epst"}),
    "cmv": frozenset({"cmv", "cyto"}),
    "thrombosis": frozenset({"thro", "embo", "deep", "dvt"}),
    "pulmonary_disease": frozenset(
        {"pulm", "lung", "resp", "inte", "copd", "pleu", "pneu"} | {"asth", "bron"}
    ),
    "substance_abuse": frozenset({"drug", "alco", "subs"}),
    "metabolic_disease": frozenset({"meta", "diab"}),
    "genetic_disease": frozenset({"gene", "here", "mult"}),
}
_COMPILED = [(name, with_first_chars(re.compile(p)), _TRIGGERS[name]) for name, p in _CONDITIONS]
_INDEX = TermIndex([t[2] for t in _COMPILED])
_CONSENT_RE = with_first_chars(
    re.compile(
        r"informed\s+consent|\bassent\b|consent\s+form|sign(?:ed|s|ing)?\s+(?:the\s+|an?\s+)?"
        r"(?:written\s+)?(?:icf|consent)|\bicf\b|willing(?:ness)?\s+(?:and\s+able\s+)?to\s+(?:comply|"
        r"participate|sign|follow|undergo|accept)|able\s+to\s+(?:comply|understand\s+and\s+sign)|(?:ability|able)\s+to\s+understand\b|"
        r"comply\s+with|complying\s+with|contracept\w+|incapacitated|legally\s+incompetent|"
        r"legal\s+incapacity|(?:limited|restricted)\s+legal\s+capacity|"
        # "ability to cooperate", "interfere with cooperation" (not a "cooperative group")
        r"\bcooperat(?:e|ion)\b(?!\s+(?:group|(?:for|with)\s+(?:pfts?|pulmonary|lung|the\s+test)))|"
        r"able\s+to\s+(?:come|attend)\s+(?:to\s+)?(?:the\s+)?(?:study|clinic|hospital|site)|birth\s+control|agree\w*\s+to\s+(?:\w+\s+)?use\b|volunteer\w*|\bconsent\b|"
        r"refus\w*\s+to\s+(?:join|participate|enrol+|sign)|remain\s+abstinent|\bcondoms?\b|"
        r"(?:able\s+and\s+willing|willing\s+and\s+able)\s+to\s+(?:complete|comply|participate|attend)|"
        r"(?:cannot|can\s*not|unable\s+to)\s+read\s+(?:or|and)\s+write|"
        r"(?:\bcan|able\s+to)\s+undergo\s+(?:all\s+)?(?:the\s+)?(?:study|protocol)[- ]"
        r"(?:related\s+|specific\s+|required\s+)?(?:procedures|assessments|examinations)|"
        r"(?:\bcan|able\s+to)\s+undergo\s+(?:all\s+)?(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:procedures|"
        r"assessments|examinations|tests)\s+(?:as\s+)?(?:required|specified|defined)\s+(?:by|in)\s+"
        r"the\s+(?:protocol|study)|"
        r"\bcomplian(?:ce|t)\b"
    )
)
_LOGISTICS_RE = with_first_chars(
    re.compile(
        r"\btravel|\breside\b|live\s+within|stay\s+(?:near|close|in|within)|care\s*-?givers?|"
        r"insurance|transportation|accommodation|lodging|geographic\w*|proximity\s+to|"
        r"\bresidents?\b|\bresiden(?:ce|cy)\b|\blive[sd]?\s+(?:with|within|near)\b|"
        r"\bzoom\b|video[- ]?conferenc\w*|smartphone|\bcontact\s+(?:persons?|details)|"
        r"social\s+security"
    )
)
_TIME_OF_CONSENT_RE = re.compile(
    r"(?:(?:time|date|day)\s+of|\bat|\bfrom|\bafter|\bbefore|prior\s+to|\bsince|\buntil|"
    r"\bof\s+(?:the\s+)?(?:screening|study))\s+(?:the\s+|signing\s+(?:the\s+)?|signed\s+|"
    r"obtaining\s+(?:the\s+)?|(?:the\s+)?obtainment\s+of\s+(?:the\s+)?)?"
    r"(?:written\s+)?(?:inform(?:ed)?\s+)?(?:assent\s*(?:/|or|and)\s*)?$"
)
_GVHD_THERAPY_RE = re.compile(r"(?:for|prophylaxis\s+of|treatment\s+of)\s+$")
_GVHD_ACTIVE_RE = re.compile(
    r"(?:requir\w*|need\w*|should\s+receive|receiving|on)\s+(?:\w+\s+){0,3}?"
    r"(?:immunosuppress\w*|systemic\s+(?:treatment|therapy)|"
    r"treatment|therapy)"
)
_GVHD_FOR_RE = re.compile(rf"(?:for|prophylaxis\s+of|treatment\s+of)\s+{_GVH}\s*\(\s*$")
_GVHD_PRESENT_RE = re.compile(
    r"(?:presence\s+of|grade\s*(?:[\divx]+|[<>≥≤]=?\s*\d)?\s*(?:(?:-|to|or)\s*[\divx]+)?|acute|chronic|"
    r"extensive|moderate|severe|current|ongoing|uncontrolled)\s+(?:(?:or|and|acute|chronic|"
    r"extensive|moderate|severe|/)\s*)*$"
)
_PREG_SKIP_RE = re.compile(
    r"(?:becom\w*|get(?:ting)?|capable\s+of\s+becoming|duration\s+of|weeks?\s+of|"
    r"(?:event|case)\s+of(?:\s+\w+){0,3})\s+$"
)


def find_conditions(
    folded: str, exceptions: list[tuple[int, int, int]], words: set[str]
) -> list[Constraint]:
    taken: list[tuple[int, int]] = []
    out: list[Constraint] = []
    seen: set[str] = set()
    for index in _INDEX.active(words):
        name, rx, _keys = _COMPILED[index]
        for m in rx.finditer(folded):
            start, end = m.start(), m.end()
            if taken and any(not (end <= a or start >= b) for a, b in taken):
                continue
            taken.append((start, end))
            if exceptions and in_exception(exceptions, start):
                continue
            label = _refine(folded, name, start, end)
            if label is None or label in seen:
                continue
            if _USED_TO_TREAT_RE.search(folded, max(0, start - 40), start) or (
                "(" in folded and _uses_of_therapy(folded, start)
            ):
                continue  # "radiosensitizers used to treat brain metastases": a drug's use
            negated = (
                negated_before(folded, start, 30)
                or negated_after(folded, end)
                or folded.endswith(("non", "non-"), 0, start)  # "nonpregnant"
            )
            if label == "pregnancy" and _PARTNER_AFTER_RE.match(folded, end):
                continue  # "with a pregnant female partner": the partner's pregnancy
            if label == "pregnancy" and "test" in folded[end : end + 8]:
                negated = "negativ" in folded[max(0, start - 25) : end + 80] or negated
                if not negated and not _POSITIVE_BEFORE_RE.search(
                    folded, max(0, start - 25), start
                ):
                    continue  # "a pregnancy test is required": a procedure, not a fact
            seen.add(label)
            out.append(
                Constraint("condition", {"condition": label, "negated": negated}, (start, end))
            )
    if _ADEQUATE_WORDS_RE.search(folded) and "organ_dysfunction" not in seen:
        adequate = _ADEQUATE_ORGANS_RE.search(folded)
        if adequate is not None and not _DEFINED_NEXT_RE.match(folded, adequate.end()):
            # "adequate organ function": no organ dysfunction ("... as defined by:" is a heading)
            attrs = {"condition": "organ_dysfunction", "negated": True}
            out.append(Constraint("condition", attrs, (adequate.start(), adequate.end())))
    if not out:
        graded = _GRADED_ORGAN_RE.match(folded)
        if graded is not None:  # "heart: Grade II and above", a sub-item of an organ failure list
            attrs = {"condition": "organ_dysfunction", "negated": False}
            out.append(Constraint("condition", attrs, (graded.start(), graded.end())))
    if "," in folded and _LIST_NOUN_RE.search(folded):
        for c in _organ_adjective_list(folded, exceptions):
            if c.attrs["condition"] not in seen:
                seen.add(c.attrs["condition"])
                out.append(c)
    if "pulmonary" in folded and "cardio" in folded:
        for c in _cardiopulmonary(folded, exceptions):
            if c.attrs["condition"] not in seen:
                seen.add(c.attrs["condition"])
                out.append(c)
    if out and _ALLOWANCE_RE.search(folded):
        out = [c for c in out if not _allowed_here(folded, c.span[0])]
    labels = {c.attrs["condition"] for c in out}
    if "cns3" in labels and labels & {"cns_involvement", "active_cns_disease"}:
        out = [c for c in out if not _defined_by_cns3(c, out, folded)]
        labels = {c.attrs["condition"] for c in out}
    if "active_gvhd" in labels and "gvhd" in labels:
        out = [c for c in out if c.attrs["condition"] != "gvhd"]
    if "uncontrolled_infection" in labels and "active_infection" not in labels:
        also_active = _also_active_infection(folded, exceptions)
        if also_active is not None:
            out.append(also_active)
    return out


_CARDIOPULMONARY_RE = re.compile(
    r"cardio-?\s*pulmonary\s+(?:diseases?|disorders?|dysfunction|insufficiency|failure|"
    r"conditions?|illness(?:es)?)"
)


def _cardiopulmonary(folded: str, exceptions: list[tuple[int, int, int]]) -> list[Constraint]:
    """ "Severe cardiopulmonary disease": a heart and a lung condition over the same words."""
    m = _CARDIOPULMONARY_RE.search(folded)
    if m is None or (exceptions and in_exception(exceptions, m.start())):
        return []
    negated = negated_before(folded, m.start(), 30)
    return [
        Constraint("condition", {"condition": name, "negated": negated}, (m.start(), m.end()))
        for name in ("cardiac_disease", "pulmonary_disease")
    ]


_ORGAN_ADJECTIVES = {
    "cardiac": "cardiac_disease",
    "heart": "cardiac_disease",
    "cardiovascular": "cardiac_disease",
    "hepatic": "liver_disease",
    "liver": "liver_disease",
    "pulmonary": "pulmonary_disease",
    "lung": "pulmonary_disease",
    "respiratory": "pulmonary_disease",
    "neurological": "neurological_disorder",
    "neurologic": "neurological_disorder",
    "autoimmune": "autoimmune_disease",
    "metabolic": "metabolic_disease",
}
_LIST_NOUN_RE = re.compile(r"\s(?:diseases?|disorders?|illness(?:es)?|conditions?|dysfunctions?)\b")
_TOKEN_RE = re.compile(r"[a-z]+(?:-[a-z]+)*|,|/")
_CONJUNCTIONS = frozenset({"or", "and"})


def _organ_adjective_list(folded: str, exceptions: list[tuple[int, int, int]]) -> list[Constraint]:
    """ "cardiac, renal, hepatic, pulmonary or neurological diseases": a condition per organ.

    Read backwards from each noun over at most 25 tokens (linear in the text: a regex over
    the comma list would retry it from every word)."""
    out: list[Constraint] = []
    for noun in _LIST_NOUN_RE.finditer(folded):
        lo = max(0, noun.start() - 240)
        tokens = [(t.group(), t.start()) for t in _TOKEN_RE.finditer(folded, lo, noun.start())]
        words = _listed_words(tokens[-25:])
        if len(words) < 3:
            continue
        first = words[0][1]
        if exceptions and in_exception(exceptions, first):
            continue
        negated = negated_before(folded, first, 30)
        for word, pos in words:
            label = _ORGAN_ADJECTIVES.get(word)
            if label is not None and all(c.attrs["condition"] != label for c in out):
                attrs = {"condition": label, "negated": negated}
                out.append(Constraint("condition", attrs, (pos, pos + len(word))))
    return out


def _listed_words(tokens: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The words of "a, b, c(,) or d" ending ``tokens``, first to last; [] if they are not one."""
    if len(tokens) < 2 or tokens[-1][0] in (",", "/") or tokens[-2][0] not in _CONJUNCTIONS:
        return []
    words = [tokens[-1]]
    k = len(tokens) - 3
    if k >= 0 and tokens[k][0] == ",":  # the serial comma
        k -= 1
    while k >= 0 and tokens[k][0] not in (",", "/") and tokens[k][0] not in _CONJUNCTIONS:
        words.append(tokens[k])
        if k == 0 or tokens[k - 1][0] != ",":
            break
        k -= 2
    return words[::-1]


_USED_TO_TREAT_RE = re.compile(
    r"\b(?:used|given|administered|indicated|approved)\s+(?:to\s+treat|for\s+(?:the\s+)?"
    r"(?:treatment|management)\s+of|for)\s+(?:\w+\s+){0,2}?$|"
    # "radiotherapy or surgery for brain metastases was completed": what a treatment was for
    r"\b(?:radiotherapy|radiation|surgery|resection|therapy|treatment)\s+(?:for|of)\s+$|"
    # "If organ dysfunction links to the disease, ...": a condition of what follows
    r"(?:^|[.;,]\s*)if\s+$"
)
_USES_OPEN_RE = re.compile(
    r"(?:therap\w*|treatments?|drugs?|medications?|agents?)\s*\(\s*(?:such\s+as|e\.?\s?g\.?|"
    r"for\s+example)[\s,:]"
)


def _uses_of_therapy(folded: str, start: int) -> bool:
    """ "long-term immunosuppressive therapy (such as allergies, autoimmune diseases, GVHD)": the
    diseases are what the therapy is for, not the patient's conditions."""
    open_p = folded.rfind("(", max(0, start - 120), start)
    if open_p < 0 or folded.rfind(")", open_p, start) >= 0:
        return False
    return _USES_OPEN_RE.search(folded, max(0, open_p - 30), open_p + 16) is not None


_GRADED_ORGANS = ("heart", "cardiac", "lung", "pulmonary", "liver", "hepatic", "kidney", "renal")
_GRADED_ORGAN_RE = re.compile(
    rf"\s*(?:{'|'.join(_GRADED_ORGANS)})\s*:\s*(?:[a-z]+\s+){{0,3}}?"
    r"(?:grades?|class|stages?|child|insufficiency|failure|hypofunction)\b"
)


# "Subjects with CNS disease are eligible", "HIV-positive patients may be enrolled if ...": the
# item allows the condition, so it is neither required nor excluded (the item stays unknown)
_ALLOWANCE_RE = re.compile(
    r"\b(?:(?:is|are|will\s+be)\s+(?:also\s+)?eligible(?!\s+(?:for|to\s+receive))|may\s+(?:also\s+)?(?:be\s+)?(?:enrolled|included|allowed|permitted|"
    r"eligible|participate)|can\s+(?:also\s+)?be\s+(?:enrolled|included)|(?<!not\s)(?:is|are)\s+"
    r"(?:allowed|permitted)|(?<!not\s)(?:allowed|permitted)\s+to\s+(?:enrol|enter|participate)|"
    r"(?:is|are)\s+not\s+(?:exclusionary|excluded|an?\s+exclusion))"
)
_ADEQUATE_WORDS_RE = re.compile(r"adequate|normal|sufficient|satisfactory|appropriate|good")
_ORGAN_WORDS = (
    r"(?:liver|kidney|renal|hepatic|cardiac|heart|lung|pulmonary|(?:bone\s+)?marrow|haema?tologic(?:al)?|"
    r"hematologic(?:al)?)"
)
_ORGAN_JOIN = r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|/)\s*"
_ADEQUATE_ORGANS_RE = re.compile(
    r"\b(?:adequate|normal|sufficient|satisfactory|appropriate|good)\s+(?:(?:[\w-]+\s+){0,4}?"
    rf"(?:major\s+|vital\s+|end[- ])?organ(?:{_ORGAN_JOIN}{_ORGAN_WORDS})*|"
    rf"{_ORGAN_WORDS}(?:{_ORGAN_JOIN}{_ORGAN_WORDS})*)\s+"
    r"functions?\b|"
    # "essential normal function of major organs"
    r"\b(?:adequate|normal|sufficient|satisfactory|appropriate)\s+functions?\s+of\s+(?:the\s+)?"
    r"(?:major\s+|vital\s+|main\s+)?organs?\b"
)
_DEFINED_NEXT_RE = re.compile(
    r"\s*(?:,\s*)?(?:as\s+)?(?:defined|follows|below|described|listed|specified|:)"
)
_CLAUSE_END_RE = re.compile(r"[.;](?:\s|$)")


_IF_AFTER_RE = re.compile(
    r"\s+(?:to\s+(?:participate|enrol+|enter)\s+)?(?:in(?:to)?\s+(?:the|this)\s+(?:study|trial)\s+)?"
    r"(?:only\s+)?(?:if|provided|when|"
    r"as\s+long\s+as)\b"
)
_BUT_RE = re.compile(r"\b(?:except\w*|unless|however|but)\b")


def _allowed_here(folded: str, pos: int) -> bool:
    """Does the sentence holding ``pos`` allow what it names? Not when the allowance sits in an
    exception ("negative HIV test, with the following exception: ... are eligible") or in a
    parenthesis the mention is outside of."""
    start = max(folded.rfind(". ", 0, pos), folded.rfind("; ", 0, pos)) + 1
    end_m = _CLAUSE_END_RE.search(folded, pos)
    end = end_m.start() if end_m else len(folded)
    for m in _ALLOWANCE_RE.finditer(folded, start, end):
        if pos > m.start() and _IF_AFTER_RE.match(folded, m.end()):
            continue  # "... are eligible if there is no active GVHD": a condition of the allowance
        lo, hi = sorted((pos, m.start()))
        if _BUT_RE.search(folded, lo, hi):
            continue
        open_p = _open_paren(folded, start, m.start())
        if open_p >= 0 and not open_p < pos < m.start():
            continue
        return True
    return False


def _open_paren(folded: str, start: int, pos: int) -> int:
    """Where the innermost parenthesis still open at ``pos`` opens (counted from ``start``), or
    -1: "(such as ..., hypothyroidism (hormone replacement) can be included ...)" is inside."""
    opened: list[int] = []
    for k in range(start, pos):
        ch = folded[k]
        if ch == "(":
            opened.append(k)
        elif ch == ")" and opened:
            opened.pop()
    return opened[-1] if opened else -1


_DEFINED_AS_RE = re.compile(
    r"[\s,]*(?:[\w,]+\s+){0,4}?(?:\(|defined\s+(?:as|by)|i\.?e\.?|that\s+is)\s*"
    r"(?:\w+\s+){0,1}?cns[- ]?(?:grade\s+|status\s+)?(?:3|iii)\b"
)


def _defined_by_cns3(c: Constraint, found: list[Constraint], folded: str) -> bool:
    """ "CNS involvement (CNS-3)" / "... defined by CNS-3": the CNS-3 statement is the fact."""
    if c.attrs["condition"] not in ("cns_involvement", "active_cns_disease"):
        return False
    return _DEFINED_AS_RE.match(folded, c.span[1]) is not None


def _also_active_infection(
    folded: str, exceptions: list[tuple[int, int, int]]
) -> Constraint | None:
    """The active infection an item names beside an uncontrolled one: "infection uncontrolled or
    requiring systemic treatment", "active or uncontrolled infection" (but "severe, uncontrolled
    active infection", adjectives in a row, names one, the uncontrolled one)."""
    requiring = _OR_REQUIRING_RE.search(folded)
    if requiring is not None and not in_exception(exceptions, requiring.start()):
        attrs = {"condition": "active_infection", "negated": False}
        return Constraint("condition", attrs, (requiring.start(), requiring.end()))
    both = _ACTIVE_OR_UNCONTROLLED_RE.search(folded)
    if (
        both is not None
        and _ALTERNATIVE_RE.search(both.group())
        and not in_exception(exceptions, both.start())
    ):
        attrs = {
            "condition": "active_infection",
            "negated": negated_before(folded, both.start(), 30),
        }
        return Constraint("condition", attrs, (both.start(), both.end()))
    return None


_OR_REQUIRING_RE = re.compile(
    r"infections?\s+(?:\w+\s+){0,3}?or\s+requiring\s+(?:systemic\s+|iv\s+|intravenous\s+)?"
    r"(?:treatment|therapy|antibiotics|antimicrobials)"
)
_ALTERNATIVE_RE = re.compile(r"\bor\b|/")
_AT_MOST_RE = re.compile(r"(?:≤|<=?|\bup\s+to|\blower\s+than|\bno\s+more\s+than|\bat\s+most)\s*$")
_ACTIVE_OR_UNCONTROLLED_RE = re.compile(
    r"\b(?:active|serious|severe)\s*(?:,|or|and/or|/)\s*(?:\w+\s*(?:,|or|and/or|/)\s*)?"
    rf"uncontroll\w+\s+(?:{_NOT_A_NOUN}[\w-]+,?\s+(?:or\s+|and\s+)?){{0,4}}?infections?"
)


def _refine(folded: str, name: str, start: int, end: int) -> str | None:
    before = folded[max(0, start - 25) : start]
    if name == "gvhd":
        if _GVHD_THERAPY_RE.search(before) or re.match(
            r"\s*(?:therap|prophyla|recurren)", folded[end:]
        ):
            return None
        if _GVHD_FOR_RE.search(folded[max(0, start - 70) : start]):
            return None  # "(GVHD)" after "drugs used for graft-versus-host disease"
        if _GVHD_ACTIVE_RE.search(folded, end, min(len(folded), end + 80)):
            return "active_gvhd"
        if _GVHD_PRESENT_RE.search(before + " "):
            return "active_gvhd"
    if name == "pregnancy" and _PREG_SKIP_RE.search(folded, max(0, start - 45), start):
        return None
    if name in ("cns2", "cns3") and _AT_MOST_RE.search(before):
        return None  # "≤ CNS grade 2": an upper bound on CNS status, not a CNS-2 statement
    if name == "organ_dysfunction" and re.match(r"[\s,]*(?:defined|as\s+follows|:)", folded[end:]):
        return None  # "organ failure, defined as LVEF < 40% ...": the numbers are the labs
    if name == "other_malignancy" and re.search(r"\b(?:cns|central|nervous)\b", folded[start:end]):
        return None
    if (
        name == "neurological_disorder"
        and folded.startswith("encephalopath", start)
        and _LIVER_BEFORE_RE.search(folded, max(0, start - 120), start)
    ):
        return None  # "unstable liver disease (ascites, encephalopathy, ...)": the liver's
    if name == "cns_involvement" and _DISEASE_WITH_RE.search(before):
        return None  # "any autoimmune disease with CNS involvement": that disease's, not leukemia's
    if name == "active_infection" and _SCREEN_FOR_RE.search(folded, max(0, start - 70), start):
        return None  # "a PCR test ... to screen for acute infection": what a test looks for
    return name


_PARTNER_AFTER_RE = re.compile(r"\s+(?:female\s+|women\s+)?partners?\b")
_POSITIVE_BEFORE_RE = re.compile(r"\bpositive\s+(?:serum\s+|urine\s+)?$")
_DISEASE_WITH_RE = re.compile(
    r"\b(?:autoimmune|inflammatory)\s+(?:diseases?|disorders?)\s+with\s+$"
)
_LIVER_BEFORE_RE = re.compile(r"\b(?:liver|hepatic|cirrho\w*)\b")
_SCREEN_FOR_RE = re.compile(r"\b(?:screen|test|look)(?:s|ed|ing)?\s+for\s+(?:[\w-]+\s+){0,7}$")


# Every consent / logistics pattern contains one of these literal pieces: a cheap substring test
# decides whether the costly alternation runs at all.
_CONSENT_KEYS_RE = re.compile(
    "consent|assent|icf|willing|able to|ability to|can undergo|comply|contracep|birth control|"
    "agree|volunteer|complian|incapacitated|incapacity|legal capacity|incompetent|refus|abstinent|"
    "condom|read or write|cooperat|"
    "read and write"
)
_LOGISTICS_KEYS = (
    "travel",
    "reside",
    "residen",
    "live with",
    "lives with",
    "lived with",
    "live within",
    "live near",
    "stay ",
    "caregiver",
    "care giver",
    "care-giver",
    "follow-up",
    "follow up",
    "followup",
    "insurance",
    "transportation",
    "accommodation",
    "lodging",
    "geographic",
    "proximity",
    "zoom",
    "video",
    "smartphone",
    "contact person",
    "contact details",
    "social security",
)


def find_consent(folded: str) -> list[Constraint]:
    if _CONSENT_KEYS_RE.search(folded) is None:
        return []
    dated_end = -1
    for m in _CONSENT_RE.finditer(folded):
        if _TIME_OF_CONSENT_RE.search(folded, max(0, m.start() - 30), m.start()):
            dated_end = m.end()
            continue  # "age >= 18 at the time of consent": a date, not a consent item
        if dated_end >= 0 and _SAME_FORM_RE.fullmatch(folded, dated_end, m.start()):
            continue  # "... the informed consent form (ICF)": the same dated mention
        return [Constraint("consent", {}, (m.start(), m.end()))]
    return []


_SAME_FORM_RE = re.compile(r"[\s\w]{0,8}\(\s*")


def find_logistics(folded: str) -> list[Constraint]:
    if not any(key in folded for key in _LOGISTICS_KEYS):
        return []
    m = _LOGISTICS_RE.search(folded)
    if m is not None:
        return [Constraint("logistics", {}, (m.start(), m.end()))]
    if "follow" in folded:
        for f in _FOLLOW_RE.finditer(folded):
            if _FOLLOW_AFTER_RE.match(folded, f.end()) or _FOLLOW_BEFORE_RE.search(
                folded, max(0, f.start() - 40), f.start()
            ):
                return [Constraint("logistics", {}, (f.start(), f.end()))]
    return []


# completing follow-up is a logistics item; "a survival follow-up period of a study" is not
_FOLLOW_RE = re.compile(r"follow[- ]?up\b")
_FOLLOW_AFTER_RE = re.compile(
    r"\s+(?:visits?|compliance|availability|schedule|assessments?|requirements?)"
)
_FOLLOW_BEFORE_RE = re.compile(
    r"(?:allow\w*|adequate|long[- ]term|complete\w*|including|and\s+the|available\s+for|"
    r"compliance\s+and|cooperat\w*\s+(?:with|in)|comply\s+with|attend|declin\w*|refus\w*)\s+"
    r"(?:the\s+)?(?:\w+\s+){0,3}$"
)
