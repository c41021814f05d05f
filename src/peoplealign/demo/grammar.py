"""A generative grammar for employee comments, so the listening analyses meet varied natural text
rather than a few templates, and every comment carries its true themes and sentiment.

A comment is built from clauses (subject + predicate, a free-standing sentence, or a terse
fragment), each about one theme with a polarity, dressed with openers, hedges, intensifiers,
contrasts ("great pay but my manager never listens"), closers, the odd mention of a colleague or a
phone number, and surface noise (casing, typos, punctuation) like real comments have.
"""

from __future__ import annotations

import functools
import itertools
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass

THEMES = (
    "Management Trust",
    "Resource Allocation",
    "Burnout Risk & Workload",
    "Work-Life Balance",
    "Compensation & Benefits",
    "Career Growth",
    "Recognition",
    "Collaboration & Teamwork",
    "Leadership & Strategy",
    "Culture & Inclusion",
    "Tools & Processes",
    "Job Security",
)


@dataclass(frozen=True)
class ThemeLexicon:
    """{i} takes an adjective intensifier, {v} a verb intensifier, {person} a colleague's name."""

    subjects: tuple[str, ...]
    good: tuple[str, ...]
    bad: tuple[str, ...]
    good_sentences: tuple[str, ...]
    bad_sentences: tuple[str, ...]
    good_short: tuple[str, ...]
    bad_short: tuple[str, ...]


LEXICON: dict[str, ThemeLexicon] = {
    "Management Trust": ThemeLexicon(
        ("my manager", "our team lead", "management", "my line manager", "our manager", "my boss",
         "the person I report to"),
        ("{v}listens when we raise concerns", "keeps their promises", "is {i}transparent about decisions",
         "has our backs", "treats everyone fairly", "follows through on what they say",
         "gives {i}honest answers", "{v}trusts us to do our jobs"),
        ("{v}never listens", "plays favourites", "makes promises and never keeps them",
         "shuts down anyone who disagrees", "hides decisions until the last minute",
         "takes credit for our work", "says one thing and does another", "micromanages everything",
         "{v}ignores feedback from the team", "only listens to a favoured few",
         "is {i}dismissive when we raise problems"),
        ("I trust my manager to be straight with me", "When I raise something it {v}gets acted on",
         "{person} is the best manager I have had", "Our lead is {i}open about what is going on"),
        ("Nobody on the team trusts our manager anymore",
         "I {v}don't feel safe raising issues with my manager",
         "Promises about promotions keep getting broken", "Favouritism decides who gets the good projects",
         "Every time we give feedback to our manager it disappears into a black hole",
         "When I raised it with {person} nothing happened",
         "Our manager's door is open in theory and closed in practice"),
        ("great manager", "fair management", "a boss who has my back", "honest leadership in the team"),
        ("favouritism everywhere", "broken promises from management", "a manager who never listens",
         "zero trust in management"),
    ),
    "Resource Allocation": ThemeLexicon(
        ("staffing", "headcount", "the budget for our team", "the way projects are staffed", "resourcing",
         "how work is split between teams", "the hiring plan"),
        ("matches the work we are asked to do", "is {i}well planned", "got a lot better this year",
         "is fair across teams", "{v}keeps up with the roadmap"),
        ("is stretched {i}thin", "never matches the roadmap", "goes to pet projects instead of the real work",
         "leaves us two people short", "has not kept up with growth",
         "is decided without asking the people doing the work", "is {i}lopsided between teams"),
        ("We finally have enough people to do things properly", "Backfills happen quickly here",
         "Projects get the people they need"),
        ("We are asked to do twice the work with the same headcount",
         "Backfills take forever and the rest of us cover the gap",
         "Other teams get the budget while we get the deadlines",
         "Every new priority lands on the same few people"),
        ("well staffed team", "enough headcount", "sensible budgets"),
        ("understaffed", "no backfills", "always short-handed", "too few people for the work"),
    ),
    "Burnout Risk & Workload": ThemeLexicon(
        ("the workload", "my workload", "the pace", "the ticket queue", "the amount of overtime",
         "our on-call rotation", "the volume of work", "the pressure to deliver", "the hours we put in",
         "the number of projects on my plate"),
        ("is {i}manageable", "feels sustainable", "has calmed down", "is reasonable most weeks",
         "leaves room to think", "is {i}balanced"),
        ("is {i}unsustainable", "keeps piling up", "is burning people out",
         "has doubled and nobody seems to notice", "leaves no time to breathe", "is {i}exhausting",
         "means working late almost every night", "has become {i}overwhelming"),
        ("I can get my work done in normal hours", "I rarely feel overloaded",
         "The pace lets us do good work without burning out", "The workload is busy but {i}manageable",
         "I rarely have to work late", "Busy weeks happen, but overtime is the exception here"),
        ("I am {i}exhausted and so is everyone around me", "People are running on empty",
         "I can't remember the last week I didn't work late", "We are one resignation away from collapse",
         "Half the team is close to burning out", "I am working evenings and weekends just to keep up",
         "The workload has {v}broken a few of us already", "I'm working late most nights to keep up",
         "Overtime has become the norm, not the exception", "Long hours are simply expected now",
         "The workload has been {i}unsustainable for months", "Most of us are exhausted by midweek",
         "More work keeps landing on us and nothing ever comes off our plates"),
        ("manageable workload", "a sane pace", "reasonable deadlines", "normal hours"),
        ("way too much work", "constant overtime", "burnout everywhere", "no end to the workload",
         "long hours every week"),
    ),
    "Work-Life Balance": ThemeLexicon(
        ("work-life balance", "flexibility", "the hybrid setup", "remote work", "the schedule",
         "time off", "the way evenings are protected"),
        ("is {i}great here", "is respected", "works well for families", "is {v}supported",
         "is {i}generous"),
        ("is {i}non-existent lately", "gets eaten by work", "is a joke right now", "only exists on paper",
         "keeps getting cancelled", "is {i}hard to protect"),
        ("I can pick up my kids without anyone frowning", "Nobody expects replies on weekends",
         "Taking holiday is {v}encouraged"),
        ("I haven't taken a proper holiday in months", "Messages late at night are normal now",
         "My family barely sees me on weeknights", "Taking time off feels impossible with this backlog",
         "Weekends have {v}stopped being weekends"),
        ("great flexibility", "real work-life balance", "flexible hours"),
        ("no work-life balance", "always on", "no time for family"),
    ),
    "Compensation & Benefits": ThemeLexicon(
        ("the pay", "my salary", "the benefits package", "the bonus scheme", "our pension plan",
         "the health insurance", "the annual raise"),
        ("is {i}competitive", "is {i}generous", "is fair for the market", "beats most places I have worked"),
        ("is {i}below market", "has not kept up with inflation", "is a mystery to everyone",
         "feels {i}unfair compared to new hires"),
        ("I feel paid fairly for what I do", "The benefits are among the best around"),
        ("New hires earn more than people who have been here for years",
         "My raise didn't even cover inflation", "Nobody can explain how bonuses are decided"),
        ("great pay", "solid benefits", "a good bonus", "decent salary"),
        ("low pay", "weak benefits", "stingy raises", "pay below market"),
    ),
    "Career Growth": ThemeLexicon(
        ("career growth", "the promotion process", "development", "the career ladder", "my growth path",
         "internal mobility", "the learning budget"),
        ("is {i}clear", "is taken seriously", "opened real doors for me", "is {i}well supported"),
        ("is {i}opaque", "feels like a dead end", "depends on who you know", "has stalled for years",
         "is promised but never delivered"),
        ("I have learned more here in a year than in three years elsewhere",
         "My manager {v}helps me plan my next step"),
        ("I have no idea what it takes to get promoted", "The only way up is out",
         "I have been at the same level for years with no path forward"),
        ("great learning opportunities", "a clear career path", "room to grow"),
        ("no career path", "a dead-end role", "no promotions"),
    ),
    "Recognition": ThemeLexicon(
        ("recognition", "the appreciation we get", "feedback on good work", "the way wins are celebrated",
         "credit for our work"),
        ("is {i}genuine", "happens often", "feels meaningful", "comes from the top as well"),
        ("is {i}rare", "goes to the same few people", "only shows up in all-hands slides",
         "never reaches the people who did the work"),
        ("{person} always makes sure the whole team gets credit",
         "Shout-out to {person} for covering the release", "People here notice when you go the extra mile"),
        ("Nobody notices the work until something breaks",
         "We shipped the biggest release of the year and got no thanks"),
        ("real appreciation", "lots of kudos", "credit where it is due"),
        ("zero recognition", "thankless work", "no appreciation"),
    ),
    "Collaboration & Teamwork": ThemeLexicon(
        ("my team", "collaboration across teams", "teamwork", "the team spirit",
         "working with other departments", "the way we pair on problems"),
        ("{v}rocks", "is {i}supportive", "is the best part of the job", "is {i}strong",
         "makes hard weeks bearable"),
        ("is {i}siloed", "breaks down under pressure", "turns into finger-pointing", "is full of friction"),
        ("{person} is a fantastic colleague", "I love working with this team",
         "Everyone jumps in when someone is stuck"),
        ("Teams hoard information instead of sharing it", "Every handoff turns into a blame game",
         "We duplicate work because nobody talks to each other"),
        ("amazing colleagues", "great team spirit", "helpful people"),
        ("silos everywhere", "a blame culture", "no teamwork"),
    ),
    "Leadership & Strategy": ThemeLexicon(
        ("the strategy", "senior leadership", "the company direction", "the executive team", "the roadmap",
         "communication from the top"),
        ("is {i}clear", "makes sense to me", "is {i}inspiring", "is communicated well"),
        ("is {i}unclear", "changes every quarter", "feels disconnected from reality", "is never explained",
         "keeps shifting without explanation"),
        ("I understand where the company is heading and why",
         "The town halls are honest and useful"),
        ("Nobody can tell me what our priorities are", "We pivot so often that nothing gets finished",
         "The executive team seems out of touch with what happens on the ground"),
        ("a clear vision", "strong leadership", "a sensible strategy"),
        ("no clear direction", "constant pivots", "a confusing strategy"),
    ),
    "Culture & Inclusion": ThemeLexicon(
        ("the culture", "inclusion", "the atmosphere", "diversity here", "the way people treat each other",
         "the office vibe"),
        ("is {i}welcoming", "is {i}inclusive", "makes me proud", "feels respectful"),
        ("is {i}cliquey", "feels toxic at times", "only welcomes people who fit the mould",
         "tolerates bad behaviour"),
        ("I can be myself at work", "People from every background are respected here"),
        ("Some voices are always louder than others in meetings",
         "Diversity is talked about far more than it is practised"),
        ("an inclusive culture", "friendly people", "a welcoming atmosphere"),
        ("a toxic culture", "a cliquey atmosphere", "an old boys club"),
    ),
    "Tools & Processes": ThemeLexicon(
        ("the tooling", "the approval process", "the ticketing system", "the CRM", "the deployment pipeline",
         "the expense tool", "the laptop setup", "the process overhead"),
        ("is {i}smooth", "{v}works", "saves me hours every week", "got a lot better after the upgrade"),
        ("is {i}clunky", "slows everything down", "needs five approvals for anything",
         "crashes at the worst moments", "is held together with spreadsheets"),
        ("Getting things approved is quick and painless", "The new tooling has made my job easier"),
        ("Half my day goes to fighting the tools", "We need three sign-offs to order a keyboard",
         "The old system eats our time"),
        ("good tools", "smooth processes", "modern tooling"),
        ("clunky tools", "endless bureaucracy", "too many approvals"),
    ),
    "Job Security": ThemeLexicon(
        ("job security", "the future of our team", "the restructuring", "the outlook", "stability here"),
        ("feels {i}solid", "is reassuring", "is not something I worry about",
         "has been communicated honestly"),
        ("is {i}shaky", "keeps me up at night", "feels uncertain after the last reorg", "is anyone's guess"),
        ("I feel secure in my role", "The company has been open about its finances"),
        ("Everyone is waiting for the next round of layoffs",
         "Nobody knows if our team will exist next year"),
        ("a stable company", "a secure job", "steady growth"),
        ("layoff fears", "constant reorgs", "no stability"),
    ),
}  # fmt: skip

NEUTRAL = (
    "is fine, I guess",
    "is about what you would expect",
    "has not changed much",
    "is okay for now",
    "is neither great nor terrible",
    "is pretty average",
    "is what it is",
    "is mixed, depending on the week",
)
ADJECTIVE_INTENSIFIERS = (
    "very ",
    "really ",
    "extremely ",
    "incredibly ",
    "seriously ",
    "genuinely ",
    "so ",
    "super ",
)
VERB_INTENSIFIERS = ("really ", "genuinely ", "honestly ", "actually ", "truly ")
HEDGES = ("I think ", "I feel like ", "it seems like ", "to me ", "in a way ", "arguably ", "sometimes ")
OPENERS = (
    "Honestly,", "To be fair,", "Overall,", "In my experience,", "If I'm honest,", "These days", "Lately",
    "Since the reorg", "For what it's worth,", "I have to say", "Right now", "This quarter", "Frankly,",
    "From where I sit,", "In our team", "Day to day,", "Over the last few months", "Looking back,",
    "As someone who has been here a while,", "Not going to lie,", "Speaking for myself,", "At the moment",
)  # fmt: skip
CONTRASTS = (
    ", but ", " but ", ", although ", "; however, ", ". That said, ", ", yet ", ", whereas ",
    " - on the other hand, ", ". Still, ", ", even though ", ". On the flip side, ",
)  # fmt: skip
JOINS = (" and ", ", and ", ". Also, ", ". On top of that, ", "; plus ", ". And ", ". What's more, ")
CLOSERS = {
    -1: (" and that needs to change", " - please do something about it", ". Something has to give",
         ". It is wearing people down", ". This has been raised before", ". I don't see it getting better",
         ". Please listen this time"),
    0: (". Just my two cents", ". Nothing more to add", ". Curious what others think"),
    1: (". Keep it up", ". Really appreciate it", ". Hope it stays this way", ". That's why I stay",
        ". Credit where it's due", ". Thank you for that"),
}  # fmt: skip
SHORT_FRAMES = {
    1: ("{x}", "Love the {x}", "{x}, no complaints", "{x} all round"),
    -1: ("{x}", "Tired of {x}", "{x}, again", "{x}, as usual"),
}
EXIT_OPENERS = (
    "I'm leaving mainly because", "The main reason I'm moving on is that", "What pushed me out was that",
    "In the end I left because", "Honestly, I'm going because", "My decision came down to this:",
    "I would have stayed if not for the fact that", "The short version is that",
)  # fmt: skip
REVIEW_FRAMES = ("Pros: {good}. Cons: {bad}.", "{good}. Downside: {bad}.", "Cons first: {bad}. Pros: {good}.")
CONTACT_ADDONS = (
    "Happy to talk more, reach me at {email}", "Call me on {phone} if you want details",
    "You can email {email} or ring {phone}", "Ping me at {email} if HR wants specifics",
    "My number is {phone} if anyone wants to follow up", "{person} can confirm all of this",
    "I have talked to {person} about it too", "Ask {person}, they saw it happen",
)  # fmt: skip
PII_RATE = 0.08
PHONE_FORMATS = ("+1 512 555 {a:04d}", "({b:03d}) 555-{a:04d}", "+49 30 5550 {a:04d}", "+44 20 7946 {a:04d}",
                 "+351 21 555 {a:04d}", "07700 9{b:02d}{a:04d}")  # fmt: skip
BASE_STRENGTH = 0.5


@dataclass(frozen=True)
class GeneratedComment:
    text: str
    themes: tuple[str, ...]
    sentiment: float


@dataclass
class _Part:
    text: str
    theme: str
    sentiment: float


class CommentGrammar:
    """Renders (theme, polarity) topics into comments; deterministic for a given seed."""

    def __init__(self, seed: int, directory_names: Sequence[str], directory_emails: Sequence[str]) -> None:
        self.rng = random.Random(seed)
        self.names = list(directory_names)
        self.emails = list(directory_emails)

    def survey_comment(
        self, topics: Sequence[tuple[str, int]], focus: Mapping[str, Sequence[str]] | None = None
    ) -> GeneratedComment:
        """A theme named twice is elaborated: its second clause is a different whole sentence, so the
        comment says what is wrong and what it does to people ("the workload is unsustainable. I'm
        working late most nights to keep up"), as people with a pressing concern write. `focus`
        narrows a theme to the cause a planted story is about (see `narrowed`)."""
        parts: list[_Part] = []
        for theme, polarity in topics:
            cues = tuple((focus or {}).get(theme, ()))
            again = any(p.theme == theme for p in parts)
            part = self._clause(theme, polarity, allow_short=not again, sentence=again, cues=cues)
            while again and any(p.text == part.text for p in parts):
                part = self._clause(theme, polarity, allow_short=False, sentence=True, cues=cues)
            parts.append(part)
        opener = self._pick(OPENERS) + " " if self.rng.random() < 0.45 else ""
        return self._assemble(opener, parts)

    def exit_interview(self, topics: Sequence[tuple[str, int]]) -> GeneratedComment:
        parts = [self._clause(theme, polarity, allow_short=False) for theme, polarity in topics]
        return self._assemble(self._pick(EXIT_OPENERS) + " ", parts, lead_first=True)

    def public_review(self, good: str, bad: str) -> GeneratedComment:
        rng = self.rng
        positive, negative = self._clause(good, 1), self._clause(bad, -1)
        frame = self._pick(REVIEW_FRAMES)
        text = frame.format(good=_capitalise(positive.text), bad=_capitalise(negative.text))
        sentiment = (positive.sentiment + negative.sentiment) / 2 + rng.uniform(-0.1, 0.1)
        return self._finish(text, (good, bad), sentiment)

    def _assemble(self, prefix: str, parts: list[_Part], *, lead_first: bool = False) -> GeneratedComment:
        """Join clauses; in a contrast the second clause carries more weight, unless the first is
        the point of the comment (an exit interview's reason for leaving)."""
        text = prefix + (_lower_first(parts[0].text) if prefix else _capitalise(parts[0].text))
        weights = [2.0 if lead_first else 1.0]
        for previous, part in itertools.pairwise(parts):
            opposite = previous.sentiment * part.sentiment < 0
            link = self._pick(CONTRASTS if opposite else JOINS)
            text += link + _lower_first(part.text)
            weights.append(1.0 if lead_first else 1.5 if opposite else 1.0)
        last = parts[-1]
        polarity = (last.sentiment > 0.05) - (last.sentiment < -0.05)
        if self.rng.random() < 0.3:
            text += self._pick(CLOSERS[polarity])
            last.sentiment = max(-0.95, min(0.95, last.sentiment * 1.15))
        text += "."
        if self.rng.random() < PII_RATE:
            text += " " + self._pick(CONTACT_ADDONS) + "."
        sentiment = sum(w * p.sentiment for w, p in zip(weights, parts, strict=True)) / sum(weights)
        return self._finish(text, tuple(dict.fromkeys(p.theme for p in parts)), sentiment)

    def _clause(
        self,
        theme: str,
        polarity: int,
        *,
        allow_short: bool = True,
        sentence: bool = False,
        cues: tuple[str, ...] = (),
    ) -> _Part:
        rng = self.rng
        lexicon = narrowed(theme, cues)
        strength = BASE_STRENGTH * rng.uniform(0.85, 1.15)
        roll = 1.0 if sentence else rng.random()
        if polarity == 0:
            text = f"{self._pick(lexicon.subjects)} {self._pick(NEUTRAL)}"
            return _Part(text, theme, round(rng.uniform(-0.04, 0.04), 3))
        good = polarity > 0
        if allow_short and roll < 0.1:
            phrase = self._pick(lexicon.good_short if good else lexicon.bad_short)
            text = self._pick(SHORT_FRAMES[1 if good else -1]).format(x=phrase)
        elif roll < 0.65:
            predicate = self._pick(lexicon.good if good else lexicon.bad)
            text = f"{self._pick(lexicon.subjects)} {predicate}"
            if rng.random() < 0.2:
                text = self._pick(HEDGES) + text
                strength *= 0.6
        else:
            text = self._pick(lexicon.good_sentences if good else lexicon.bad_sentences)
        text, boost = self._intensify(text)
        strength *= boost
        return _Part(text, theme, polarity * min(strength, 0.95))

    def _intensify(self, text: str) -> tuple[str, float]:
        boost = 1.0
        for slot, words, factor in (("{i}", ADJECTIVE_INTENSIFIERS, 1.45), ("{v}", VERB_INTENSIFIERS, 1.25)):
            if slot in text:
                word = self._pick(words) if self.rng.random() < 0.5 else ""
                text = text.replace(slot, word)
                boost *= factor if word else 1.0
        return text, boost

    def _finish(self, text: str, themes: tuple[str, ...], sentiment: float) -> GeneratedComment:
        text = self._roughen(text)
        text = re.sub(r"\{(person|email|phone)\}", lambda m: self._identifier(m.group(1)), text)
        return GeneratedComment(text, themes, round(max(-1.0, min(1.0, sentiment)), 3))

    def _roughen(self, text: str) -> str:
        """Surface noise real comments have; identifiers are filled in afterwards, so it never
        disguises a name or a phone number from redaction."""
        rng = self.rng
        if rng.random() < 0.08:
            text = text.lower()
        if rng.random() < 0.12:
            words = text.split(" ")
            candidates = [k for k, w in enumerate(words) if len(w) >= 5 and w.isalpha() and w.islower()]
            if candidates:
                k = candidates[rng.randrange(len(candidates))]
                words[k] = _typo(words[k], rng)
                text = " ".join(words)
        roll = rng.random()
        if roll < 0.1:
            text = text.rstrip(".")
        elif roll < 0.15:
            text = text.rstrip(".") + "!"
        elif roll < 0.19:
            text = text.rstrip(".") + "..."
        return text

    def _identifier(self, kind: str) -> str:
        rng = self.rng
        if kind == "person":
            name = self._pick(self.names)
            return name if rng.random() < 0.6 else name.split(" ")[0]
        if kind == "email":
            return self._pick(self.emails)
        return self._pick(PHONE_FORMATS).format(a=rng.randrange(10_000), b=rng.randrange(100, 1_000))

    def _pick(self, options: Sequence[str]) -> str:
        return options[self.rng.randrange(len(options))]


@functools.cache
def narrowed(theme: str, cues: tuple[str, ...]) -> ThemeLexicon:
    """The theme as people caught in one story speak of it: they keep naming the same cause (the
    hours, the manager who does not listen), which is what lets a reader, or a theme model, see
    that a group's comments are about one thing. Each part of the lexicon keeps the entries that
    hold a cue; a part with none stays whole."""
    lexicon = LEXICON[theme]
    if not cues:
        return lexicon

    def naming(options: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(o for o in options if any(cue in o.lower() for cue in cues)) or options

    return ThemeLexicon(*(naming(options) for options in astuple(lexicon)))


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless it starts a name, an acronym or the word I."""
    first = text.split(" ", 1)[0]
    if first.startswith("{") or first == "I" or first.startswith("I'") or first.isupper():
        return text
    return text[:1].lower() + text[1:]


def _typo(word: str, rng: random.Random) -> str:
    k = rng.randrange(1, len(word) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:k] + word[k + 1] + word[k] + word[k + 2 :]
    if kind == 1:
        return word[:k] + word[k + 1 :]
    return word[:k] + word[k] + word[k:]
