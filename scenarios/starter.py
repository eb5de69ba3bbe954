"""The starter questionnaires, in the same format as a JSON export, in English and Welsh.

Each measures the force's Quality of Service Commitment for one channel.
`manage.py load_starter_questionnaires` loads any that are not there yet. When the scheme offers
Welsh it also loads one questionnaire per channel for a visit made in Welsh: the channel's questions
with a first page about the Welsh language service, scored under the commitment area "Welsh language"
(the Welsh Language Standards: a Welsh greeting and service on the phone, Welsh at the front desk or
arranged, a website in Welsh). The Welsh of every text is in `starter_cy.WELSH`.
"""

from __future__ import annotations

from .models import EXPORT_FORMAT_VERSION

_refs = iter(range(1, 10_000))


def _q(kind, label, *, area=None, weight=1, expected=None, minimum=None, maximum=None, help_text="",
       required=True, options=None, when=None, ref=None):  # fmt: skip
    """One question in export format; `when=(ref, [values])` adds a condition."""
    return {
        "ref": ref or f"s{next(_refs)}",
        "kind": kind,
        "label": label,
        "help_text": help_text,
        "required": required,
        "options": [{"key": key, "label": text} for key, text in (options or [])],
        "rating_low_label": "Very poor" if kind == "rating" else "",
        "rating_high_label": "Excellent" if kind == "rating" else "",
        "condition": {"ref": when[0], "values": when[1]} if when else None,
        "scoring": {
            "commitment_area": area,
            "weight": weight,
            "expected_answer": expected,
            "minimum": minimum,
            "maximum": maximum,
        }
        if area
        else None,
    }


def _questionnaire(title, channel, description, sections):
    return {
        "format_version": EXPORT_FORMAT_VERSION,
        "title": title,
        "channel": channel,
        "description": description,
        "sections": [{"title": t, "intro": intro, "questions": qs} for t, intro, qs in sections],
    }


def _overall():
    return (
        "Overall",
        "Your overall impression, in your own words.",
        [
            _q("rating", "Overall, how would you rate the service you received?", area="professional-service", weight=2, minimum=4),
            _q("text", "What went well?", required=False, help_text="Do not name officers or staff."),
            _q("text", "What could have been better?", required=False, help_text="Do not name officers or staff."),
        ],
    )  # fmt: skip


def front_desk():
    return _questionnaire(
        "Front desk visit",
        "front_desk",
        "A visit in a pair to a police station front counter.",
        [
            (
                "Finding and entering the front desk",
                "About getting there and getting in.",
                [
                    _q("time", "What time did you arrive?"),
                    _q("yes_no", "Were the opening times clearly displayed outside?", area="easy-to-contact", expected=True),
                    _q("yes_no_na", "Was the entrance accessible for someone using a wheelchair or pushchair?", area="easy-to-contact", expected="yes"),
                    _q("yes_no", "Was it clear how to contact the police when the desk is closed?", area="easy-to-contact", expected=True),
                    _q("duration", "How long did you wait before someone spoke to you?", area="initial-contact", maximum=300, help_text="Minutes and seconds."),
                ],
            ),
            (
                "Your enquiry",
                "How the member of staff dealt with what you asked.",
                [
                    _q("yes_no", "Were you greeted politely?", area="professional-service", expected=True, ref="fd-greet"),
                    _q("yes_no", "Did they listen and make sure they understood your enquiry?", area="initial-contact", expected=True),
                    _q("yes_no", "Did they explain what would happen next?", area="initial-contact", weight=2, expected=True),
                    _q("yes_no_na", "Were you given a reference or incident number?", area="keeping-informed", expected="yes"),
                    _q("yes_no_na", "If the police were not the right service, were you signposted to who is?", area="professional-service", expected="yes"),
                    _q("yes_no", "Were you offered a leaflet or told where to find more information?", area="easy-to-contact", expected=True),
                    _q("yes_no", "Was the conversation private enough for a sensitive matter?", area="professional-service", expected=True),
                ],
            ),
            _overall(),
        ],
    )  # fmt: skip


def phone_101():
    return _questionnaire(
        "101 call",
        "phone_101",
        "A call to the 101 non-emergency line, timed with the stopwatch or a watch.",
        [
            (
                "Getting through",
                "Start timing when you dial, and stop when a person answers.",
                [
                    _q("time", "What time did you call?"),
                    _q("duration", "Time until a person answered", area="easy-to-contact", weight=2, maximum=300, help_text="From dialling to a person answering."),
                    _q("duration", "Time spent in the phone menu", area="easy-to-contact", maximum=90, help_text="From the first menu message to being put through."),
                    _q("yes_no", "Did you get through to a person?", area="easy-to-contact", weight=2, expected=True, ref="p-through"),
                ],
            ),
            (
                "The call",
                "How the call handler dealt with your enquiry.",
                [
                    _q("yes_no", "Did the call handler greet you clearly?", area="professional-service", expected=True, when=("p-through", [True])),
                    _q("yes_no", "Did the call handler give their name?", area="professional-service", expected=True, when=("p-through", [True])),
                    _q("yes_no_na", "Were you given a reference or incident number?", area="keeping-informed", weight=2, expected="yes", when=("p-through", [True])),
                    _q("yes_no", "Were the next steps explained?", area="initial-contact", weight=2, expected=True, when=("p-through", [True])),
                    _q("yes_no_na", "If the police were not the right service, were you signposted to who is?", area="professional-service", expected="yes", when=("p-through", [True])),
                    _q("rating", "How polite and respectful was the call handler?", area="professional-service", minimum=4, when=("p-through", [True])),
                ],
            ),
            _overall(),
        ],
    )  # fmt: skip


def website():
    return _questionnaire(
        "Website task",
        "website",
        "Finding information on the force website.",
        [
            (
                "The task",
                "Follow the task in your briefing, starting from the force's home page.",
                [
                    _q("yes_no", "Could you find the information?", area="easy-to-contact", weight=2, expected=True, ref="w-found"),
                    _q("number", "How many clicks did it take?", area="easy-to-contact", maximum=4, when=("w-found", [True])),
                    _q("duration", "How long did it take?", area="easy-to-contact", maximum=180, when=("w-found", [True])),
                    _q("yes_no", "Was the information clear and easy to understand?", area="easy-to-contact", expected=True, when=("w-found", [True])),
                    _q("multiple_choice", "Which ways to contact the police did the page offer?", options=[("101", "101"), ("online", "Online form"), ("email", "Email"), ("visit", "Visit a station"), ("none", "None")]),
                ],
            ),
            (
                "Accessibility",
                "",
                [
                    _q("yes_no", "Could you read the page with the text made larger?", area="easy-to-contact", expected=True),
                    _q("yes_no_na", "Could you use the page with a keyboard or screen reader (if you use one)?", area="easy-to-contact", expected="yes"),
                    _q("yes_no", "Did the site explain when to call 999 and when to use 101?", area="easy-to-contact", expected=True),
                ],
            ),
            _overall(),
        ],
    )  # fmt: skip


def online_reporting():
    return _questionnaire(
        "Online reporting",
        "online_reporting",
        "Trying the force's online reporting form up to its last page, without sending a report.",
        [
            (
                "Finding the form",
                "Start from the force's home page. Never send the form: stop at its last page.",
                [
                    _q("date", "What day did you try the form?"),
                    _q("single_choice", "Which device did you use?", options=[("phone", "A phone"), ("tablet", "A tablet"), ("computer", "A computer")]),
                    _q("yes_no", "Could you find the online reporting form?", area="easy-to-contact", weight=2, expected=True, ref="o-found"),
                    _q("duration", "How long did it take to find it?", area="easy-to-contact", maximum=120, help_text="From the home page to the start of the form.", when=("o-found", [True])),
                ],
            ),
            (
                "Using the form",
                "Go through the form as far as its last page, then close it without sending.",
                [
                    _q("yes_no", "Did the form say when to call 999 instead?", area="easy-to-contact", expected=True, when=("o-found", [True])),
                    _q("yes_no", "Did the form say what happens after you send it?", area="keeping-informed", weight=2, expected=True, when=("o-found", [True])),
                    _q("yes_no", "Did the form say how soon someone would be in touch?", area="keeping-informed", expected=True, when=("o-found", [True])),
                    _q("yes_no_na", "Could you save your answers and come back later?", area="easy-to-contact", expected="yes", when=("o-found", [True])),
                    _q("single_choice", "How easy was the form to fill in?", area="professional-service", expected=["very-easy", "easy"], options=[("very-easy", "Very easy"), ("easy", "Easy"), ("hard", "Hard"), ("very-hard", "Very hard")], when=("o-found", [True])),
                ],
            ),
            _overall(),
        ],
    )  # fmt: skip


def neighbourhood_meeting():
    return _questionnaire(
        "Neighbourhood meeting",
        "neighbourhood_meeting",
        "Attending a neighbourhood policing meeting in a pair.",
        [
            (
                "Before the meeting",
                "",
                [
                    _q("yes_no", "Was the meeting advertised where residents would see it?", area="your-voice-counts", expected=True),
                    _q("yes_no", "Did it start on time?", area="professional-service", expected=True),
                    _q("number", "About how many members of the public attended?"),
                ],
            ),
            (
                "At the meeting",
                "",
                [
                    _q("yes_no", "Did the officers introduce themselves and their role?", area="professional-service", expected=True),
                    _q("yes_no", "Were the local policing priorities explained?", area="keeping-informed", expected=True),
                    _q("yes_no", "Were residents asked for their views?", area="your-voice-counts", weight=2, expected=True),
                    _q("yes_no", "Were updates given on what was done since the last meeting?", area="your-voice-counts", weight=2, expected=True),
                    _q("rating", "How well were questions from the public answered?", area="your-voice-counts", minimum=4),
                ],
            ),
            _overall(),
        ],
    )  # fmt: skip


STARTER_QUESTIONNAIRES = (front_desk, phone_101, website, online_reporting, neighbourhood_meeting)


# --- A visit made in Welsh -------------------------------------------------------------------

WELSH_LANGUAGE_AREA = {
    "slug": "welsh-language",
    "name": "Welsh language",
    "description": "Offering and giving a service in Welsh, as the Welsh Language Standards require: a Welsh "
    "greeting and a Welsh service on the phone, Welsh at the front desk or arranged, and a website in Welsh.",
}
_AREA = WELSH_LANGUAGE_AREA["slug"]
_USING_WELSH = ("Using Welsh", "Ask for your enquiry to be dealt with in Welsh, as your briefing says.")

WELSH_LANGUAGE_QUESTIONS = {
    "front_desk": [
        _q("yes_no", "Was there a sign or badge showing that you could be served in Welsh?", area=_AREA, expected=True),
        _q(
            "single_choice",
            "How was your enquiry dealt with when you asked for Welsh?",
            area=_AREA,
            weight=2,
            expected=["in-welsh", "arranged"],
            options=[
                ("in-welsh", "In Welsh, there and then"),
                ("arranged", "A Welsh speaker was arranged (in person, by phone or later)"),
                ("english-only", "Only in English"),
            ],
        ),
        _q("yes_no_na", "Were leaflets or forms available in Welsh?", area=_AREA, expected="yes"),
    ],
    "phone_101": [
        _q("yes_no", "Was the greeting on the line in Welsh as well as English?", area=_AREA, expected=True),
        _q(
            "yes_no",
            "Were you offered a service in Welsh (for example, a menu option for Welsh)?",
            area=_AREA,
            weight=2,
            expected=True,
        ),
        _q("yes_no", "Could you deal with your enquiry in Welsh?", area=_AREA, weight=2, expected=True),
        _q(
            "duration",
            "How long did you wait for a Welsh speaker?",
            area=_AREA,
            maximum=300,
            required=False,
            help_text="From choosing Welsh to a Welsh speaker answering. Leave it empty if you were not put through.",
        ),
    ],
    "website": [
        _q("yes_no", "Was the page you needed available in Welsh?", area=_AREA, weight=2, expected=True),
        _q("yes_no", "Could you switch between English and Welsh on the page itself?", area=_AREA, expected=True),
        _q(
            "yes_no_na", "Was the Welsh page as complete and up to date as the English one?", area=_AREA, expected="yes"
        ),
    ],
    "online_reporting": [
        _q("yes_no", "Was the online reporting form available in Welsh?", area=_AREA, weight=2, expected=True),
        _q("yes_no_na", "Did it say you could ask for a reply in Welsh?", area=_AREA, expected="yes"),
    ],
    "neighbourhood_meeting": [
        _q("yes_no", "Was the meeting advertised in Welsh as well as English?", area=_AREA, expected=True),
        _q(
            "yes_no",
            "Could you speak Welsh at the meeting (directly, or through interpreting)?",
            area=_AREA,
            weight=2,
            expected=True,
        ),
    ],
}


def in_welsh(build):
    """The channel's starter questionnaire for a visit made in Welsh: a first page about the Welsh
    language service, then the channel's own pages (questions keep their own references)."""

    def build_in_welsh():
        data = build()
        data["title"] = f"{data['title']} in Welsh"
        data["description"] = f"{data['description']} Made in Welsh, to test the force's Welsh language service."
        title, intro = _USING_WELSH
        questions = WELSH_LANGUAGE_QUESTIONS[data["channel"]]
        data["sections"] = [{"title": title, "intro": intro, "questions": questions}, *data["sections"]]
        return data

    return build_in_welsh


WELSH_LANGUAGE_QUESTIONNAIRES = tuple(in_welsh(build) for build in STARTER_QUESTIONNAIRES)


def with_welsh(data: dict) -> dict:
    """A starter questionnaire with the Welsh of each of its texts (from `starter_cy.WELSH`) beside the English."""
    from .starter_cy import WELSH

    def welsh_of(item: dict, fields) -> dict:
        found = {field: WELSH[item[field]] for field in fields if item.get(field) and item[field] in WELSH}
        options = {str(o["key"]): WELSH[o["label"]] for o in item.get("options") or [] if o["label"] in WELSH}
        return {**found, **({"options": options} if options else {})}

    data["welsh"] = welsh_of(data, ("title", "description"))
    for section in data["sections"]:
        section["welsh"] = welsh_of(section, ("title", "intro"))
        for question in section["questions"]:
            question["welsh"] = welsh_of(question, ("label", "help_text", "rating_low_label", "rating_high_label"))
    return data
