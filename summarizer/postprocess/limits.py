"""Caps that keep post-processing linear in the article's length, in one place.

A text at the size limit, one attributed sentence repeated, once produced thousands of
denials and next steps, each scored against every claim. A brief lists a handful of
each; past these caps the extra items only cost time.
"""

MAX_DENIALS = 32  # denials kept, in text order (claims are capped by max_claims)
MAX_NEXT_STEPS = 32  # next steps kept, in text order
MAX_LINK_CANDIDATES = 256  # claim candidates a denial is scored against (nearest first)
MAX_LINK_POOL = 64  # claim-like sentences the trained link decision compares a denial with
MAX_RULE_LINK_ASKS = MAX_DENIALS  # sentences whose rule link becomes a feature (the rules'
MAX_RULE_LINK_CLAIMS = 64  # linker is quadratic: these bound what it is asked)
