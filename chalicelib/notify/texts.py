"""The message catalogue: every notification kind in Finnish, Swedish and English.

Each text names its params as ``{field}``; the field names *are* the params the sending
service must give (``notify.templates`` checks it when a message is queued), so a service
and its text cannot drift apart silently. How each param is written (a time, a place, a
date, a review or service name) is ``notify.templates.FORMATTERS``' job.

Texts carry a time, a place, a short code and a link, never names, case details or the
family's own words. Family texts (``FAMILY_KINDS``) fit one SMS segment with a real
booking link (``tests/unit/test_templates.py`` renders the longest of each).
"""

from __future__ import annotations

# kind -> language -> (e-mail subject, text: the whole SMS and the e-mail body)
TEXTS = {
    "confirmation": {
        "fi": ("Tapaaminen varattu", "Tapaaminen varattu: {start}, {location}. "
               "Muuta tai peru: {link}"),
        "sv": ("Mötet är bokat", "Mötet är bokat: {start}, {location}. "
               "Ändra eller avboka: {link}"),
        "en": ("Meeting booked", "Meeting booked: {start}, {location}. "
               "Change or cancel: {link}"),
    },
    "rescheduled": {
        "fi": ("Tapaaminen siirretty", "Uusi aika: {start}, {location} (oli {old_start}). "
               "Muuta: {link}"),
        "sv": ("Mötet är flyttat", "Ny tid: {start}, {location} (var {old_start}). "
               "Ändra: {link}"),
        "en": ("Meeting moved", "New time: {start}, {location} (was {old_start}). "
               "Change: {link}"),
    },
    "cancellation": {
        "fi": ("Tapaaminen peruttu", "Tapaaminen {start}, {location}, on peruttu. "
               "Varaa uusi: {link}"),
        "sv": ("Mötet är avbokat", "Mötet {start}, {location}, är avbokat. "
               "Boka en ny tid: {link}"),
        "en": ("Meeting cancelled", "The meeting {start}, {location}, is cancelled. "
               "Book a new one: {link}"),
    },
    # A group session moved by staff (``audience: group``).
    "rescheduled:group": {
        "fi": ("Ryhmän kokoontuminen siirretty", "Ryhmä siirtyi: {start}, {location} "
               "(oli {old_start}). Katso: {link}"),
        "sv": ("Gruppträffen är flyttad", "Gruppen flyttad: {start}, {location} "
               "(var {old_start}). Se: {link}"),
        "en": ("Group session moved", "Group moved: {start}, {location} "
               "(was {old_start}). See: {link}"),
    },
    # A group session cancelled by staff (``audience: group``): nothing to book instead.
    "cancellation:group": {
        "fi": ("Ryhmän kokoontuminen peruttu", "Vertaistukiryhmän kokoontuminen {start}, "
               "{location}, on peruttu. Katso: {link}"),
        "sv": ("Gruppträffen är inställd", "Kamratstödsgruppens träff {start}, {location}, "
               "är inställd. Se: {link}"),
        "en": ("Group session cancelled", "The peer-support group's session {start}, "
               "{location}, is cancelled. See: {link}"),
    },
    "reminder": {
        "fi": ("Muistutus tapaamisesta", "Muistutus: tapaaminen {start}, {location}. "
               "Muuta tai peru: {link}"),
        "sv": ("Påminnelse om mötet", "Påminnelse: möte {start}, {location}. "
               "Ändra eller avboka: {link}"),
        "en": ("Meeting reminder", "Reminder: meeting {start}, {location}. "
               "Change or cancel: {link}"),
    },
    "booking-link": {
        "fi": ("Varaa tapaamisaika", "{service}: varaa tapaamisaika, linkki on voimassa "
               "{expires_at} asti: {link}"),
        "sv": ("Boka en mötestid", "{service}: boka en mötestid, länken gäller till "
               "{expires_at}: {link}"),
        "en": ("Book a meeting time", "{service}: book a meeting time, the link works until "
               "{expires_at}: {link}"),
    },
    "worker-reminder": {
        "fi": ("Muistutus tapaamisesta",
               "Muistutus: asiakkuus {code}, tapaaminen {start}, {location}."),
        "sv": ("Påminnelse om mötet", "Påminnelse: klient {code}, möte {start}, {location}."),
        "en": ("Meeting reminder", "Reminder: case {code}, meeting {start}, {location}."),
    },
    # A group session's leaders (``audience: group``): the group's code.
    "worker-reminder:group": {
        "fi": ("Muistutus ryhmästä",
               "Muistutus: vertaistukiryhmä {code}, kokoontuminen {start}, {location}."),
        "sv": ("Påminnelse om gruppen",
               "Påminnelse: kamratstödsgrupp {code}, träff {start}, {location}."),
        "en": ("Group reminder", "Reminder: peer-support group {code}, session {start}, "
               "{location}."),
    },
    # The on-call page: ``case`` and ``callback`` may be empty (the formatters say so);
    # ``link`` is added by the sender when it renders the page (never stored).
    "escalation": {
        "fi": ("Tukipyyntö", "Päivystys: tukipyyntö {code}{case}. {callback} Kuittaa: {link}"),
        "sv": ("Begäran om stöd", "Jour: begäran om stöd {code}{case}. {callback} "
               "Kvittera: {link}"),
        "en": ("Request for help", "On call: request for help {code}{case}. {callback} "
               "Acknowledge: {link}"),
    },
    # ``escalation-fallback`` to the coordinators (``audience: staff``): a request went
    # unanswered. An e-mail; it names no family detail.
    "escalation-fallback:staff": {
        "fi": ("Tukipyyntöön ei vastattu",
               "Tukipyyntöön {code}{case} ei vastattu. Perhe sai kriisipäivystyksen "
               "numeron ja 112:n. Pyyntö näkyy vastaamattomana, kunnes se ratkaistaan."),
        "sv": ("Begäran om stöd obesvarad",
               "Begäran om stöd {code}{case} besvarades inte. Familjen fick krisjourens "
               "nummer och 112. Den visas som obesvarad tills den avslutas."),
        "en": ("Request for help unanswered",
               "Nobody answered request for help {code}{case}. The family got the "
               "crisis service's number and 112. It stays unanswered until resolved."),
    },
    "escalation-received": {
        "fi": ("Pyyntösi on vastaanotettu",
               "Pyyntösi on vastaanotettu. Päivystäjä ottaa sinuun yhteyttä pian."),
        "sv": ("Din begäran har tagits emot",
               "Din begäran har tagits emot. Jouren kontaktar dig snart."),
        "en": ("Your request was received",
               "Your request was received. The on-call worker will contact you soon."),
    },
    "escalation-fallback": {
        "fi": ("Soita päivystykseen",
               "Päivystäjä ei ole vielä vastannut. Soita sosiaali- ja kriisipäivystykseen "
               "{crisis_phone}. Hätätilanteessa soita 112."),
        "sv": ("Ring jouren",
               "Jouren har inte svarat ännu. Ring social- och krisjouren {crisis_phone}. "
               "I nödsituationer ring 112."),
        "en": ("Call the emergency service",
               "The on-call worker has not answered yet. Call the social and crisis "
               "emergency service {crisis_phone}. In an emergency call 112."),
    },
    # A paged worker's SMS reply that did nothing: what works (no params; no case data).
    "page-reply": {
        "fi": ("Tapaamo-päivystys", "Vastaa OK kuitataksesi uusimman tukipyynnön tai "
               "LOPETA, kun se on hoidettu. Lisää koodi, jos pyyntöjä on useampi: OK 3FA9C1."),
        "sv": ("Tapaamo-jour", "Svara OK för att kvittera den senaste begäran om stöd eller "
               "LOPETA när den är klar. Lägg till koden vid flera: OK 3FA9C1."),
        "en": ("Tapaamo on call", "Reply OK to acknowledge your newest request for help or "
               "RESOLVE once it is done. Add the code if there are several: OK 3FA9C1."),
    },
    "page-reply:none": {
        "fi": ("Tapaamo-päivystys", "Sinulle ei ole avointa tukipyyntöä tällä koodilla tai "
               "se on jo kuitattu."),
        "sv": ("Tapaamo-jour", "Du har ingen öppen begäran om stöd med den koden, eller så är "
               "den redan kvitterad."),
        "en": ("Tapaamo on call", "You have no open request for help with that code, or it "
               "has been acknowledged already."),
    },
    "review-due": {
        "fi": ("Määräpäivä lähestyy: {review}",
               "Asiakkuus {code}: {review}, määräpäivä {due}."),
        "sv": ("Förfaller snart: {review}", "Klient {code}: {review}, förfaller {due}."),
        "en": ("Due soon: {review}", "Case {code}: {review}, due {due}."),
    },
    "review-overdue": {
        "fi": ("Myöhässä: {review}",
               "Asiakkuus {code}: {review} on myöhässä (määräpäivä {due})."),
        "sv": ("Försenad: {review}", "Klient {code}: {review} är försenad (förföll {due})."),
        "en": ("Overdue: {review}", "Case {code}: {review} is overdue (due {due})."),
    },
    "oncall-gap": {
        "fi": ("Päivystyksessä aukko", "Päivystysvuorossa ({level}) on aukko {start} - {end}."),
        "sv": ("Lucka i jouren", "Jourlistan ({level}) har en lucka {start} - {end}."),
        "en": ("On-call gap", "Nobody is on call ({level}) {start} - {end}."),
    },
    # To the worker whose swap request another worker accepted: the shift, no names.
    "swap-accepted": {
        "fi": ("Vuoronvaihto hyväksytty", "Vaihto hyväksytty: päivystys {start} - {end} on "
               "toisen. {link}"),
        "sv": ("Turbyte godkänt", "Byte godkänt: jouren {start} - {end} tas av en annan. "
               "{link}"),
        "en": ("Swap accepted", "Swap accepted: {start} - {end} is taken by another worker. "
               "{link}"),
    },
    "feedback": {
        "fi": ("Palautekysely", "Kiitos yhteistyöstä! Kerro kokemuksestasi: {link}"),
        "sv": ("Responsenkät", "Tack för samarbetet! Berätta om din erfarenhet: {link}"),
        "en": ("Feedback survey", "Thank you for working with us! Tell us how it went: {link}"),
    },
    # To a worker: how many meetings still lack an outcome, of which cases (codes only).
    "outcome-digest": {
        "fi": ("Kirjaa tapaamisten toteutuminen",
               "Tapaamisia ilman kirjausta: {count} (asiakkuudet {codes}). Kirjaa: {link}"),
        "sv": ("Registrera mötenas utfall",
               "Möten utan utfall: {count} (klienter {codes}). Registrera: {link}"),
        "en": ("Record your meetings' outcomes",
               "Meetings without an outcome: {count} (cases {codes}). Record them: {link}"),
    },
    "group-seat": {
        "fi": ("Paikka ryhmässä", "Sait paikan vertaistukiryhmästä: {start}, {location}. "
               "Katso: {link}"),
        "sv": ("Plats i gruppen", "Du fick en plats i kamratstödsgruppen: {start}, {location}. "
               "Se: {link}"),
        "en": ("A seat in the group", "You have a seat in the peer-support group: {start}, "
               "{location}. See: {link}"),
    },
}

FAMILY_KINDS = ("confirmation", "rescheduled", "rescheduled:group", "cancellation",
                "cancellation:group", "reminder", "booking-link", "group-seat", "feedback")
# The feedback e-mail's QR code image, as a screen reader says it.
QR_ALT = {"fi": "QR-koodi kyselyn linkkiin", "sv": "QR-kod till enkätens länk",
          "en": "QR code of the survey link"}

PLACES = {
    "home": {"fi": "kotona", "sv": "hemma", "en": "at home"},
    "daycare": {"fi": "päiväkodissa", "sv": "på daghemmet", "en": "at the daycare"},
    "school": {"fi": "koulussa", "sv": "i skolan", "en": "at school"},
    "placement": {"fi": "sijaishuoltopaikassa", "sv": "på placeringen",
                  "en": "at the placement"},
}

# The review kinds of the review rules, as a sentence names them.
REVIEWS = {
    "plan": {"fi": "suunnitelma", "sv": "plan", "en": "plan"},
    "review": {"fi": "arviointi", "sv": "uppföljning", "en": "review"},
    "summary": {"fi": "kausiyhteenveto", "sv": "periodsammanfattning", "en": "period summary"},
    "network-meeting": {"fi": "verkostotapaaminen", "sv": "nätverksmöte",
                        "en": "network meeting"},
    "final": {"fi": "loppuarviointi", "sv": "slututvärdering", "en": "final evaluation"},
    "assessment-start": {"fi": "palvelutarpeen arvioinnin aloitus",
                         "sv": "start av servicebehovsbedömningen",
                         "en": "start of the service need assessment"},
    "assessment-complete": {"fi": "palvelutarpeen arvioinnin valmistuminen",
                            "sv": "slutförd servicebehovsbedömning",
                            "en": "completed service need assessment"},
    "client-plan-review": {"fi": "asiakassuunnitelman tarkistus",
                           "sv": "översyn av klientplanen", "en": "client plan review"},
    "phase-review": {"fi": "vaiheen arviointi", "sv": "fasutvärdering", "en": "phase review"},
}

# The services, as the family knows them (a booking link names the service, not the family).
SERVICES = {
    "tehostettu-perhetyo": {"fi": "Tehostettu perhetyö", "sv": "Intensifierat familjearbete",
                            "en": "Intensive family work"},
    "perhetyo": {"fi": "Perhetyö", "sv": "Familjearbete", "en": "Family work"},
    "korjaava-perhetyo": {"fi": "Korjaava perhetyö", "sv": "Korrigerande familjearbete",
                          "en": "Corrective family work"},
    "tukihenkilotoiminta": {"fi": "Tukihenkilötoiminta", "sv": "Stödpersonsverksamhet",
                            "en": "Support person service"},
    "palvelutarpeen-arviointi": {"fi": "Palvelutarpeen arviointi",
                                 "sv": "Bedömning av servicebehov",
                                 "en": "Service need assessment"},
}

# How an escalation names its case and the number to call back, or says there is none.
ESCALATION_PARTS = {
    "fi": (", asiakkuus {case}", "Soita {callback}.", "Ei soittopyyntönumeroa."),
    "sv": (", klient {case}", "Ring {callback}.", "Inget nummer att ringa."),
    "en": (", case {case}", "Call {callback}.", "No callback number."),
}
