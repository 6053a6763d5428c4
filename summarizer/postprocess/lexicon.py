"""Word lists the post-processing rules read; nothing else lives here.

Each list says where it came from. They are deliberately general (any English news
article), never tuned to single stories.
"""

from __future__ import annotations

# Reporting verbs (lemmas) that attribute a statement to a source. Seeded from the
# attribution guidelines (said, told, claimed, alleged, accused, argued, warned,
# announced) and widened with the common reporting verbs of English grammars
# (Quirk et al., "verbs of saying"; the PARC attribution corpus verb list).
REPORTING_VERBS = frozenset(
    [
        "say",
        "tell",
        "claim",
        "allege",
        "accuse",
        "argue",
        "warn",
        "announce",
        "add",
        "insist",
        "state",
        "suggest",
        "explain",
        "confirm",
        "report",
        "predict",
        "stress",
        "note",
        "admit",
        "acknowledge",
        "urge",
        "declare",
        "maintain",
        "contend",
        "assert",
        "indicate",
        "complain",
        "promise",
        "pledge",
        "vow",
        "threaten",
        "propose",
        "estimate",
        "concede",
        "reveal",
        "describe",
        "write",
        "believe",
        "charge",
        "emphasise",
        "emphasize",
        "reiterate",
        "point",
        "recall",
        "caution",
        "disclose",
        "predict",
        "forecast",
        "hint",
        "signal",
        "testify",
        "tweet",
        "respond",
        "retort",
        "hit",
        "reply",
        "counter",
        "remark",
        "observe",
        "agree",
        "continue",
        "brand",
        "label",
        "condemn",
        "question",
        "criticise",
        "criticize",
        "remember",
        "show",
        "find",
        "blame",
    ]
)

# Reporting verbs whose object alone is the report ("condemned the deletion",
# "recalled a stream of remarks", "proposals announced by the minister").
OBJECT_REPORTING_VERBS = frozenset(
    [
        "accuse",
        "blame",
        "warn",
        "urge",
        "announce",
        "reveal",
        "confirm",
        "brand",
        "label",
        "condemn",
        "question",
        "criticise",
        "criticize",
        "recall",
        "remember",
        "predict",
        "propose",
    ]
)

# Verbs of speaking proper: "X will say ..." frames a quote, it is not a plan.
SPEECH_VERBS = frozenset(
    ["say", "tell", "add", "note", "argue", "claim", "insist", "state", "stress", "warn"]
)

# Reporting verbs that only attribute when they govern a clause or a quote; on their
# own ("he continued the talks", "she agreed a deal") they are narration.
WEAK_REPORTING_VERBS = frozenset(
    ["continue", "agree", "point", "believe", "write", "describe", "respond"]
)

# Reporting verbs that commit the speaker to an act ("vowed to", "pledged to"): the
# infinitive they govern is the statement.
COMMISSIVE_VERBS = frozenset(["vow", "pledge", "promise", "threaten", "swear"])

# Denial verbs (lemmas): the verb itself rejects or disputes. From the guidelines
# (deny, reject, dismiss as, refute, hit back) plus their usual newsroom synonyms.
DENIAL_VERBS = frozenset(
    [
        "deny",
        "reject",
        "dismiss",
        "refute",
        "rebut",
        "dispute",
        "contradict",
        "repudiate",
        "rubbish",
        "disown",
        "attack",
        "slam",
        "deride",
        "ridicule",
    ]
)

# Verbs that frame a statement as an answer to someone ("responded by accusing",
# "retorted", "countered"): newsroom rebuttal verbs.
REBUTTAL_VERBS = frozenset(["respond", "retort", "counter", "hit"])

# Verbs of insisting: with a negated clause they deny ("insisted it had not ...").
INSIST_VERBS = frozenset(["insist", "maintain"])

# Sentence openers that set a statement against the one before it.
CONTRAST_OPENERS = frozenset(["but", "however", "yet"])

# A plan or bid someone can dismiss ("a desperate bid", "a misguided plan").
PLAN_NOUNS = frozenset(
    ["plan", "proposal", "move", "attempt", "bid", "offer", "policy", "idea", "scheme", "pledge"]
)

# Nouns a dismissive adjective is aimed at when it disputes ("baseless allegations").
DISPUTED_NOUNS = PLAN_NOUNS | frozenset(
    [
        "claim",
        "allegation",
        "accusation",
        "suggestion",
        "charge",
        "report",
        "story",
        "rumour",
        "criticism",
    ]
)

# Nouns naming someone else's assertion: a report whose clause is about "the claim" or
# "such criticisms" answers it ("says the claim would mean ...").
ASSERTION_NOUNS = frozenset(
    ["claim", "allegation", "accusation", "suggestion", "charge", "criticism", "assertion"]
)

# Words that, inside an attributed statement, turn it into a rejection of someone
# else's claim ("called the allegations groundless", "said it was nonsense").
DENIAL_WORDS = frozenset(
    [
        "groundless",
        "baseless",
        "unfounded",
        "false",
        "untrue",
        "nonsense",
        "rubbish",
        "absurd",
        "ridiculous",
        "lies",
        "fabricated",
        "fabrication",
        "smear",
        "slur",
        "misleading",
        "scaremongering",
        "preposterous",
        "misdirected",
        "wrong",
        "incorrect",
        "inaccurate",
        "mistaken",
        "bogus",
        "laughable",
        "vacuous",
        "desperate",
        "falsehood",
        "distorted",
        "misrepresented",
        "twisted",
    ]
)

# Multi-word denial cues, matched on lower-cased sentence text.
DENIAL_PHRASES = (
    "not true",
    "no truth",
    "no evidence",
    "hit back",
    "hits back",
    "hitting back",
    "without foundation",
    "no basis",
    "no row",
    "not the case",
    "out of context",
    "no need for",
    "not aware of any",
    "fired back",
    "fires back",
    "shot back",
    "shoots back",
)

# Phrases that look like denials but are not ("declined to comment").
NOT_DENIAL_PHRASES = ("declined to comment", "refused to comment", "would not comment")

# Modal auxiliaries that mark a statement as hypothetical, not a plan.
HYPOTHETICAL_MODALS = frozenset(
    ["could", "would", "might", "may", "should", "must", "ought", "can"]
)

# Verbs whose "to"-complement schedules a future action ("plans to", "is due to"...).
# From the next-step guidelines; "aim", "intend", "hope" and "prepare" added as the
# usual newsroom variants.
PLAN_VERBS = frozenset(
    [
        "plan",
        "intend",
        "aim",
        "hope",
        "prepare",
        "expect",
        "schedule",
        "set",
        "due",
        "going",
        "seek",
        "vow",
        "pledge",
        "promise",
    ]
)

# Adjectival scheduling predicates used as "be X to": "is due to", "is set to".
PLAN_ADJECTIVES = frozenset(
    ["due", "set", "expected", "scheduled", "poised", "slated", "likely", "going"]
)

# Time words that point forward; a DATE entity containing one of these is future.
FUTURE_TIME_WORDS = frozenset(
    ["next", "tomorrow", "later", "upcoming", "coming", "forthcoming", "soon"]
)

# Verbs of state, perception and consequence: "will be", "will mean", "will be seen
# as" describe, they do not schedule an action.
STATE_VERBS = frozenset(["be", "seem", "mean", "see", "remain", "look", "feel", "need", "help"])

# Days of the week: "on Thursday" with a future or present verb schedules an event.
WEEKDAYS = frozenset(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])

# Honorifics and job titles that precede a person's name; they are not part of the
# canonical name. Collected from British and American newsroom style guides.
HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "sir",
        "lord",
        "lady",
        "dame",
        "prof",
        "professor",
        "rev",
        "reverend",
    ]
)
TITLE_WORDS = frozenset(
    [
        "president",
        "prime",
        "minister",
        "secretary",
        "chancellor",
        "senator",
        "sen",
        "rep",
        "representative",
        "governor",
        "gov",
        "mayor",
        "judge",
        "justice",
        "general",
        "gen",
        "colonel",
        "col",
        "captain",
        "capt",
        "sergeant",
        "commander",
        "chief",
        "chairman",
        "chairwoman",
        "chairperson",
        "chair",
        "director",
        "leader",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "ambassador",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "bishop",
        "archbishop",
        "officer",
        "inspector",
        "detective",
        "superintendent",
        "constable",
        "pc",
        "deputy",
        "shadow",
        "foreign",
        "home",
        "defence",
        "defense",
        "health",
        "trade",
        "industry",
        "education",
        "interior",
        "justice",
        "economy",
        "finance",
        "culture",
        "environment",
        "transport",
        "work",
        "pensions",
        "ceo",
        "head",
        "commissioner",
        "councillor",
        "councilor",
        "alderman",
        "attorney",
        "speaker",
        "premier",
    ]
)

# News outlets and wire services: the publisher is never a key actor when it only
# appears as the outlet or the dateline. Common English-language outlets.
PUBLISHER_NAMES = frozenset(
    {
        "bbc",
        "bbc news",
        "bbc news online",
        "cnn",
        "reuters",
        "ap",
        "the associated press",
        "associated press",
        "afp",
        "agence france-presse",
        "bloomberg",
        "bloomberg l.p.",
        "newsum wire",
        "daily mail",
        "mail online",
        "the guardian",
        "guardian",
        "the times",
        "the telegraph",
        "the independent",
        "sky news",
        "itv news",
        "nbc news",
        "abc news",
        "cbs news",
        "fox news",
        "npr",
        "press association",
        "upi",
        "al jazeera",
    }
)

# Demonyms and plural nationality nouns that stand for a country when they act
# ("the Russians said"). From the ISO country list's usual English demonyms; only
# unambiguous ones.
DEMONYMS = {
    "russian": "Russia",
    "russians": "Russia",
    "american": "United States",
    "americans": "United States",
    "british": "Britain",
    "briton": "Britain",
    "britons": "Britain",
    "french": "France",
    "german": "Germany",
    "germans": "Germany",
    "chinese": "China",
    "japanese": "Japan",
    "iranian": "Iran",
    "iranians": "Iran",
    "iraqi": "Iraq",
    "iraqis": "Iraq",
    "israeli": "Israel",
    "israelis": "Israel",
    "palestinian": "Palestine",
    "palestinians": "Palestine",
    "spanish": "Spain",
    "italian": "Italy",
    "italians": "Italy",
    "ukrainian": "Ukraine",
    "ukrainians": "Ukraine",
    "syrian": "Syria",
    "syrians": "Syria",
    "afghan": "Afghanistan",
    "afghans": "Afghanistan",
    "indian": "India",
    "pakistani": "Pakistan",
    "turkish": "Turkey",
    "egyptian": "Egypt",
    "saudi": "Saudi Arabia",
    "korean": "Korea",
    "north korean": "North Korea",
    "south korean": "South Korea",
    "canadian": "Canada",
    "australian": "Australia",
    "mexican": "Mexico",
    "brazilian": "Brazil",
    "polish": "Poland",
    "irish": "Ireland",
    "scottish": "Scotland",
    "welsh": "Wales",
    "european": "European Union",
}

# Country aliases that name the same state.
COUNTRY_ALIASES = {
    "us": "United States",
    "u.s.": "United States",
    "usa": "United States",
    "u.s.a.": "United States",
    "america": "United States",
    "the united states": "United States",
    "united states": "United States",
    "uk": "United Kingdom",
    "u.k.": "United Kingdom",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
    "the united kingdom": "United Kingdom",
    "united kingdom": "United Kingdom",
}

# Party nicknames used in British and American politics (nickname -> party).
PARTY_NICKNAMES = {
    "tory": "Conservatives",
    "tories": "Conservatives",
    "conservative": "Conservatives",
    "conservatives": "Conservatives",
    "conservative party": "Conservatives",
    "lib dem": "Liberal Democrats",
    "lib dems": "Liberal Democrats",
    "liberal democrat": "Liberal Democrats",
    "liberal democrats": "Liberal Democrats",
    "labour": "Labour",
    "labour party": "Labour",
    "democrat": "Democrats",
    "democrats": "Democrats",
    "democratic party": "Democrats",
    "republican": "Republicans",
    "republicans": "Republicans",
    "republican party": "Republicans",
    "gop": "Republicans",
    "snp": "Scottish National Party",
    "scottish national party": "Scottish National Party",
}

# Link words web pages glue to a name ("Watch Bush's speech"): never part of a name.
LINK_WORDS = frozenset(["Watch", "Read", "See", "Video", "Related"])

# Photo credits (in capitals, as captions print them) and player buttons that captions
# glue to a name ("GETTY Trump", "Donald Trump Play").
MEDIA_CREDITS = frozenset(["GETTY", "REUTERS", "AFP", "AP", "PA", "EPA", "USA", "TODAY"])
PLAYER_BUTTONS = frozenset(["play", "video", "photo", "watch"])

# An office one person holds: "the minister" in a story that has been quoting a named
# minister is that person, not a new source (of the speaker nouns, only this one).
OFFICE_TITLES = frozenset(["minister"])

# Nouns that head a descriptive speaker ("a senior EU official", "the ministry").
SPEAKER_NOUNS = frozenset(
    [
        "official",
        "officials",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "source",
        "sources",
        "minister",
        "ministry",
        "government",
        "department",
        "office",
        "police",
        "spokesmen",
        "aide",
        "aides",
        "adviser",
        "advisers",
        "advisor",
        "diplomat",
        "diplomats",
        "officer",
        "officers",
        "analyst",
        "analysts",
        "expert",
        "experts",
        "critic",
        "critics",
        "campaigner",
        "campaigners",
        "lawyer",
        "lawyers",
        "witness",
        "witnesses",
        "statement",
        "report",
        "embassy",
        "agency",
        "commission",
        "committee",
        "company",
        "firm",
        "union",
        "party",
        "authorities",
        "residents",
        "leader",
        "leaders",
        "member",
        "members",
        "opposition",
        "group",
    ]
)

# Institutions that speak for their country when the text names it ("the Russian
# foreign ministry" -> Russia).
STATE_BODIES = frozenset(["ministry", "government", "embassy", "kremlin", "cabinet"])

# --- actors ---

# Endings that turn a place name into its demonym ("Kenya" -> "Kenyan", "Sudan" ->
# "Sudanese", "Iceland" -> "Icelandic"): what may follow the shared stem on the
# demonym side. Checked against the GPEs of the same text, so invented or rare
# countries merge too.
DEMONYM_SUFFIXES = frozenset(
    ["", "n", "an", "ian", "ean", "ese", "ic", "ish", "i", "ite", "er", "ine", "ien", "egian"]
)
# What may follow the shared stem on the place side ("Ital|y", "Chin|a", "Norw|ay").
PLACE_STEM_ENDINGS = frozenset(["", "a", "e", "o", "y", "ia", "ay", "istan", "land"])

# Irregular demonyms no stem rule finds.
IRREGULAR_DEMONYMS = {
    "dutch": "Netherlands",
    "swiss": "Switzerland",
    "greek": "Greece",
    "greeks": "Greece",
    "danish": "Denmark",
    "dane": "Denmark",
    "danes": "Denmark",
    "swedish": "Sweden",
    "swede": "Sweden",
    "swedes": "Sweden",
    "finnish": "Finland",
    "finn": "Finland",
    "finns": "Finland",
    "portuguese": "Portugal",
    "filipino": "Philippines",
    "filipinos": "Philippines",
    "thai": "Thailand",
    "emirati": "United Arab Emirates",
    "kiwi": "New Zealand",
    "malagasy": "Madagascar",
    "monegasque": "Monaco",
    "basque": "Basque Country",
    "flemish": "Flanders",
    "cypriot": "Cyprus",
    "cypriots": "Cyprus",
    "scots": "Scotland",
    "english": "England",
    "icelandic": "Iceland",
    "icelanders": "Iceland",
    "new zealander": "New Zealand",
    "new zealanders": "New Zealand",
    "argentine": "Argentina",
    "argentinian": "Argentina",
    "peruvian": "Peru",
    "congolese": "Congo",
    "yemeni": "Yemen",
    "omani": "Oman",
    "qatari": "Qatar",
    "kuwaiti": "Kuwait",
    "bahraini": "Bahrain",
    "lebanese": "Lebanon",
    "jordanian": "Jordan",
    "libyan": "Libya",
    "moroccan": "Morocco",
    "tunisian": "Tunisia",
    "algerian": "Algeria",
    "nigerian": "Nigeria",
    "kenyan": "Kenya",
    "ethiopian": "Ethiopia",
    "venezuelan": "Venezuela",
    "colombian": "Colombia",
    "chilean": "Chile",
    "cuban": "Cuba",
    "belarusian": "Belarus",
    "georgian": "Georgia",
    "armenian": "Armenia",
    "azerbaijani": "Azerbaijan",
    "kazakh": "Kazakhstan",
    "uzbek": "Uzbekistan",
    "serbian": "Serbia",
    "serb": "Serbia",
    "serbs": "Serbia",
    "croat": "Croatia",
    "croatian": "Croatia",
    "bosnian": "Bosnia",
    "hungarian": "Hungary",
    "czech": "Czech Republic",
    "slovak": "Slovakia",
    "romanian": "Romania",
    "bulgarian": "Bulgaria",
    "austrian": "Austria",
    "belgian": "Belgium",
    "norwegian": "Norway",
    "vietnamese": "Vietnam",
    "indonesian": "Indonesia",
    "malaysian": "Malaysia",
    "bangladeshi": "Bangladesh",
    "sri lankan": "Sri Lanka",
    "nepalese": "Nepal",
    "burmese": "Myanmar",
    "taiwanese": "Taiwan",
    "singaporean": "Singapore",
    "zimbabwean": "Zimbabwe",
    "south african": "South Africa",
    "sudanese": "Sudan",
    "somali": "Somalia",
}

# Capitals that stand for their government when they act ("Moscow said").
CAPITALS = {
    "moscow": "Russia",
    "washington": "United States",
    "beijing": "China",
    "london": "United Kingdom",
    "paris": "France",
    "berlin": "Germany",
    "madrid": "Spain",
    "rome": "Italy",
    "tokyo": "Japan",
    "tehran": "Iran",
    "baghdad": "Iraq",
    "kyiv": "Ukraine",
    "kiev": "Ukraine",
    "damascus": "Syria",
    "ankara": "Turkey",
    "pyongyang": "North Korea",
    "seoul": "South Korea",
    "new delhi": "India",
    "islamabad": "Pakistan",
    "kabul": "Afghanistan",
    "cairo": "Egypt",
    "riyadh": "Saudi Arabia",
    "ottawa": "Canada",
    "canberra": "Australia",
    "warsaw": "Poland",
    "dublin": "Ireland",
}

# --- next steps ---

# "is likely to": probability, not a plan or a schedule ("mere possibilities").
PROBABLE_ADJECTIVES = frozenset(["likely", "unlikely", "possible", "bound"])

# Verbs that, with an undated "will", describe what something does or permits
# ("the bill will allow", "the law will control") rather than schedule an action.
DESCRIPTIVE_VERBS = frozenset(
    ["have", "allow", "enable", "let", "mean", "include", "involve", "affect", "cost", "apply"]
)

# Instruments whose "will" describes an effect, not an actor's plan: "the new law
# will control ...", "the scheme will give ...".
INSTRUMENT_NOUNS = frozenset(
    [
        "law",
        "bill",
        "act",
        "legislation",
        "rule",
        "regulation",
        "scheme",
        "measure",
        "plan",
        "policy",
        "system",
        "change",
        "reform",
        "proposal",
        "treaty",
        "agreement",
        "deal",
    ]
)

# Abstract purpose nouns: "the aim is to ...", "one of the things ... is to ..." define
# a goal (a specificational "be"), they do not schedule "X is to ...".
PURPOSE_NOUNS = frozenset(
    [
        "aim",
        "goal",
        "idea",
        "intention",
        "objective",
        "priority",
        "purpose",
        "task",
        "thing",
        "job",
        "challenge",
        "answer",
        "solution",
        "way",
        "point",
        "plan",
        "hope",
        "ambition",
        "target",
    ]
)

# Seasons: "in the autumn", "by the spring" are time expressions the NER misses.
SEASONS = frozenset(["spring", "summer", "autumn", "fall", "winter"])

# Bodies and groups that act (beyond the speaker nouns): an undated "will"/"would"
# with one of these as subject is someone's plan, not a predicted effect.
AGENT_NOUNS = frozenset(
    [
        "council",
        "board",
        "court",
        "parliament",
        "assembly",
        "administration",
        "congress",
        "senate",
        "cabinet",
        "mp",
        "peer",
        "team",
        "regulator",
        "watchdog",
        "investigator",
        "inquiry",
        "panel",
        "bank",
        "judge",
        "president",
        "chancellor",
        "secretary",
        "chief",
        "director",
        "chairman",
        "manager",
        "negotiator",
        "worker",
        "staff",
        "troops",
        "army",
    ]
)

# Month names: a time phrase naming one is a calendar point, not a bare duration.
MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)

# Frequency adverbs that make "would" a past habit ("often would ..."), not a plan.
HABITUAL_ADVERBS = frozenset(
    ["occasionally", "often", "sometimes", "usually", "always", "regularly", "frequently"]
)

# --- attribution ---

# Nouns naming another party's plan or action that a critic can dismiss ("the move",
# "Bush's attempt", "a very bad bill"); criticism dismissing a plan counts as a denial.
CRITICISED_PLAN_NOUNS = PLAN_NOUNS | frozenset(
    ["bill", "decision", "strategy", "reform", "measure"]
)

# Verbs and adjectives of criticism that, aimed at such a plan, dismiss it ("could be
# crippled by the move", "the attempt ignores ...", "a bad bill").
CRITICISM_WORDS = frozenset(
    [
        "cripple",
        "crippled",
        "ignore",
        "undermine",
        "damage",
        "wreck",
        "threaten",
        "flawed",
        "bad",
        "unworkable",
        "unfair",
        "misguided",
        "dangerous",
        "reckless",
        "shambolic",
        "pointless",
        "unnecessary",
        "cynical",
        "gimmick",
        "stunt",
        "betray",
        "hurt",
        "harm",
    ]
)

# Verbs of taking up a matter; negated or refused ("would not discuss reports that ...",
# "declined to comment on claims ...") they leave what the matter reports unasserted.
WITHHELD_TOPIC_VERBS = frozenset(["discuss", "comment", "address", "confirm"])
REFUSAL_VERBS = frozenset(["refuse", "decline"])


# --- actors ---
# Nouns for a person that come straight before a name ("ministry spokesperson Ana Ruiz"):
# a name there the NER tagged ORG is a person.
PERSON_ROLE_NOUNS = frozenset(
    [
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "minister",
        "secretary",
        "official",
        "aide",
        "adviser",
        "advisor",
        "analyst",
        "lawyer",
        "attorney",
        "diplomat",
        "officer",
        "president",
        "chairman",
        "chairwoman",
        "chief",
        "director",
        "governor",
        "senator",
        "mayor",
        "councillor",
        "ambassador",
        "envoy",
        "professor",
        "judge",
        "general",
        "captain",
        "colonel",
        "inspector",
        "detective",
        "sergeant",
        "economist",
        "researcher",
        "correspondent",
    ]
)
ORG_NAME_WORDS = frozenset(
    [
        "police",
        "association",
        "institute",
        "council",
        "ministry",
        "office",
        "agency",
        "service",
        "bank",
        "university",
        "college",
        "party",
        "union",
        "group",
        "committee",
        "commission",
        "department",
        "court",
        "news",
        "times",
        "post",
    ]
)

# The verb of a source named after its statement ("..., a new study shows."), as a
# word form: the parser often takes it for a plural noun.
TRAILING_REPORT_WORDS = frozenset(
    ["shows", "show", "finds", "found", "suggests", "suggest", "says", "said", "reveals"]
)

# Heads of an unnamed source that is a document, not a person or body ("a report said",
# "the study found"): it speaks in the story but is no key actor.
DOCUMENT_NOUNS = frozenset(
    [
        "report",
        "study",
        "survey",
        "poll",
        "document",
        "paper",
        "memo",
        "letter",
        "statement",
        "review",
        "audit",
        "analysis",
        "research",
        "dossier",
        "briefing",
        "filing",
    ]
)
