"""Name, city and email-domain pools per region."""

from __future__ import annotations

import unicodedata

FIRST_NAMES = {
    "US": "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard "
    "Susan Joseph Jessica Thomas Sarah Chris Karen Daniel Lisa Matthew Nancy Anthony Betty Mark Sandra "
    "Luis Maria "
    "Jose Ana Wei Mei Priya Arjun Aaliyah DeShawn Emily Olivia Noah Liam Sofia Mateo Zoë Chloé".split(),
    "GB": "Oliver George Harry Jack Amelia Isla Ava Emily Sophie Grace Thomas Charlotte Alfie Freya Rhys "
    "Siobhan Niamh Callum".split(),
    "DE": "Lukas Leon Finn Jonas Hannah Emma Mia Lena Jürgen Günter Sören Anna Katharina Maximilian".split(),
    "FR": "Léa Chloé Manon Camille Lucas Hugo Théo Louis Inès Zoé Mathéo Anaïs".split(),
    "AU": "Jack Oliver William Charlotte Olivia Mia Isla Lachlan Matilda Harper".split(),
}
FIRST_NAMES["CA"] = FIRST_NAMES["US"] + "Émilie Gabriel Félix Noémie".split()

LAST_NAMES = {
    "US": [
        *(
            "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
            "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
            "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Nguyen Hill Flores "
            "Green O'Brien Chen Patel Kim"
        ).split(),
        "Van der Berg",
        "García-López",
    ],
    "GB": "Smith Jones Williams Taylor Davies Evans Thomas Roberts Walker Wright Robinson Thompson O'Neill "
    "Hughes Edwards".split(),
    "DE": "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Köhler Groß".split(),
    "FR": "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Lefèvre Girard".split(),
    "AU": "Smith Jones Williams Brown Wilson Taylor Nguyen Johnson Martin White".split(),
}
LAST_NAMES["CA"] = LAST_NAMES["US"] + "Tremblay Gagnon Roy Côté Bouchard".split()

CITIES = {
    "US": [
        ("New York", "NY", "10001"),
        ("San Francisco", "CA", "94103"),
        ("Chicago", "IL", "60601"),
        ("Austin", "TX", "78701"),
        ("Seattle", "WA", "98101"),
        ("Boston", "MA", "02108"),
        ("Miami", "FL", "33101"),
        ("Denver", "CO", "80202"),
        ("Portland", "OR", "97201"),
    ],
    "CA": [("Toronto", "ON", "M5V 2T6"), ("Montréal", "QC", "H2X 1Y4"), ("Vancouver", "BC", "V6B 1A1")],
    "GB": [("London", "", "EC1A 1BB"), ("Manchester", "", "M1 1AE"), ("Leeds", "", "LS1 4AP")],
    "DE": [("Berlin", "", "10115"), ("München", "", "80331"), ("Hamburg", "", "20095")],
    "FR": [("Paris", "", "75001"), ("Lyon", "", "69001")],
    "AU": [("Sydney", "NSW", "2000"), ("Melbourne", "VIC", "3000")],
}

STREETS = (
    "Main St|Oak Ave|Maple Dr|High Street|Station Rd|Hauptstraße|Rue de la Paix|George St|Pine Ln".split("|")
)

PERSONAL_DOMAINS = {
    "US": ["gmail.com"] * 6 + ["yahoo.com"] * 2 + ["outlook.com", "hotmail.com", "icloud.com", "aol.com"],
    "GB": ["gmail.com"] * 3 + ["btinternet.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com"],
    "DE": ["gmail.com", "gmx.de", "web.de", "t-online.de"],
    "FR": ["gmail.com", "orange.fr", "free.fr", "laposte.net"],
    "AU": ["gmail.com", "bigpond.com", "outlook.com"],
}
PERSONAL_DOMAINS["CA"] = [*PERSONAL_DOMAINS["US"], "rogers.com", "sympatico.ca"]

WORK_DOMAINS = (
    "acme-corp.example initech.example globex.example umbrella-health.example hooli.example "
    "stark-industries.example wayne-ent.example vandelay.example"
).split()


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters only (`Zoë O'Brien` -> `zoeobrien`), for email local parts."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed.lower() if "a" <= c <= "z")
