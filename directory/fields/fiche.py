"""The fields of a fiche, in form order (see `directory.fields`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from directory.fields.field import Field, choice, pair

FIELDS: tuple[Field, ...] = (
    Field(
        "source_id",
        _l("Identifier"),
        help=_l("Stable identifier of the row in your file (do not change it from one sending to the next)."),
        required=_l("yes"),
        owner="record",
        editable=False,
        max_length=120,
    ),
    pair(
        "name",
        _l("Organisation"),
        help=_l("Name of the organisation (ASBL/VZW, CPAS/OCMW…)."),
        column="organisation",
        record="organization",
        owner="organization",
        editable=False,
    ),
    Field(
        "bce_number",
        _l("BCE/KBO number"),
        column="bce",
        help=_l("BCE/KBO number (10 digits)."),
        owner="organization",
        editable=False,
        max_length=12,
    ),
    pair("name", _l("Name"), help=_l("Name of the service."), required=_l("at least one"), hsds="name", document=True),
    pair(
        "description",
        _l("Description"),
        "area",
        help=_l("What the service does, in short sentences."),
        hsds="description",
        document=True,
    ),
    pair(
        "easy_description",
        _l("Easy-read line"),
        help=_l(
            "What the service does, in one short sentence with everyday words, for people who read little "
            "(at most 120 characters: “We give food parcels.”). Shown on the easy-read cards."
        ),
        max_length=120,
        document=True,
    ),
    Field(
        "sectors",
        _l("Sectors"),
        "codes",
        owner="list",
        choices="sector",
        required=_l("yes"),
        facet="sector",
        help=_l(
            "Sector codes or names (list in directory/data/sectors.csv), separated by |. An unknown name is "
            "refused, with the closest one suggested."
        ),
    ),
    Field(
        "publics",
        _l("For whom"),
        "codes",
        owner="list",
        choices="public",
        facet="public",
        help=_l("Publics (directory/data/publics.csv)."),
    ),
    Field(
        "functions",
        _l("Coordination functions offered"),
        "terms",
        choices="function",
        facet="function",
        help=_l(
            "Coordination or orientation functions the service offers (codes or names in "
            "directory/data/functions.csv: concertation_organiser|case_manager…), separated by |."
        ),
    ),
    Field(
        "function_conditions",
        _l("Conditions for these functions"),
        "terms",
        choices="function_condition",
        help=_l(
            "Who can receive these functions and who may ask, separated by |: lives_in_region, adult, has_network, "
            "insurance_not_required, not_in_other_scheme, asked_by_person, asked_by_carer, asked_by_professional."
        ),
    ),
    Field(
        "location_functions",
        _l("Functions offered at this address only"),
        "offers",
        owner="record",
        editable=False,
        help=_l(
            "Functions offered at this row's address only, each with its own conditions in brackets, separated by "
            "; and the functions by |: concertation_organiser[adult;asked_by_person]|case_manager. An import adds "
            "or updates them, never withdraws one (the edit page does)."
        ),
    ),
    choice(
        "availability",
        _l("Availability"),
        facet="availability",
        document=True,
        help=_l("accepting, waiting_list, full, closed or unknown."),
    ),
    Field(
        "availability_delay_days",
        _l("Indicative waiting time (days)"),
        "integer",
        bounds=(0, 3650),
        help=_l("Waiting time in days, with availability waiting_list."),
    ),
    choice(
        "status",
        _l("Status"),
        default="active",
        hsds="status",
        document=True,
        help=_l("active, temporarily_closed or inactive."),
    ),
    Field("closed_from", _l("Closed from"), "date", help=_l("Start of a temporary closure (YYYY-MM-DD).")),
    Field("closed_until", _l("Closed until"), "date", help=_l("End of a temporary closure (YYYY-MM-DD).")),
    Field(
        "phones",
        _l("Phone numbers"),
        "phones",
        owner="list",
        max_length=500,
        help=_l("Phone numbers (02 218 56 08|0470 12 34 56)."),
    ),
    Field("email", _l("E-mail"), "email", hsds="email", document=True, help=_l("E-mail address.")),
    Field("website", _l("Website"), "url", max_length=300, hsds="url", help=_l("Website.")),
    Field(
        "opening_hours",
        _l("Opening hours"),
        "hours",
        max_length=1000,
        document=True,
        help=_l(
            "Hours in OpenStreetMap opening_hours syntax (e.g. Mo-Fr 09:00-12:30,13:30-17:00; PH off). "
            "Unreadable hours are kept as a note."
        ),
    ),
    pair("hours_note", _l("Note on hours"), "area", help=_l("Details on the hours (“by appointment on Wednesdays”).")),
    choice(
        "cost",
        _l("Cost"),
        facet="cost",
        document=True,
        help=_l("free, reduced, paid or unknown."),
    ),
    pair("cost_details", _l("Cost details"), "area", hsds="fees_description", help=_l("Details on the cost.")),
    choice(
        "access",
        _l("Access"),
        facet="access",
        document=True,
        help=_l("unconditional (walk in), appointment, registration, referral (referral needed) or unknown."),
    ),
    pair(
        "access_details",
        _l("Conditions of access"),
        "area",
        hsds="application_process",
        help=_l("Conditions of access, how to apply."),
    ),
    pair("documents", _l("What to bring"), "area", help=_l("Documents to bring.")),
    pair(
        "agreements",
        _l("Recognised by"),
        "area",
        hsds="accreditations",
        help=_l("Who recognises or subsidises the service (agreement, decree, authority), separated by ;."),
    ),
    pair(
        "area_served",
        _l("Area served"),
        "area",
        max_length=1000,
        help=_l("The territory the service works for (communes, the Brussels-Capital Region…)."),
    ),
    Field(
        "languages",
        _l("Languages spoken"),
        "languages",
        choices="language",
        facet="language",
        help=_l("Languages spoken, ISO 639-1 codes (fr|nl|ar)."),
    ),
    pair("street", _l("Street"), owner="location", help=_l("Street.")),
    Field("house_number", _l("Number"), owner="location", max_length=20, help=_l("House number.")),
    Field(
        "postcode",
        _l("Postcode"),
        owner="location",
        max_length=4,
        required=_l("recommended"),
        document=True,
        help=_l("Postcode, in the Brussels-Capital Region."),
    ),
    Field(
        "lat",
        _l("Latitude"),
        "number",
        owner="location",
        bounds=(-90, 90),
        help=_l(
            "WGS84 latitude (e.g. 50.85322), in the Region. Without coordinates the commune comes from the postcode."
        ),
    ),
    Field(
        "lon",
        _l("Longitude"),
        "number",
        owner="location",
        bounds=(-180, 180),
        help=_l("WGS84 longitude (e.g. 4.37207)."),
    ),
    choice(
        "wheelchair",
        _l("Wheelchair access"),
        owner="location",
        facet="wheelchair",
        document=True,
        help=_l("yes, limited, no or unknown."),
    ),
    pair(
        "accessibility_note",
        _l("Accessibility note"),
        "area",
        owner="location",
        help=_l("Details on accessibility (entrance, lift, toilets…)."),
    ),
)
