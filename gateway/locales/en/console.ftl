# Texts of the web console (English).

site-name = Articula
site-description = The regional platform of cluster and territorial productive articulation initiatives in Latin America and the Caribbean: map, profiles and statistics.
skip-to-content = Skip to content
nav-label = Sections
nav-map = Map
nav-statistics = Statistics
language-switch-label = Language
language-es = Español
language-pt = Português
language-en = English
footer-about = Articula brings together the region's productive articulation initiatives to make them visible and connect them with each other.
footer-data = The data is open:
footer-api = API and documentation

## Dates
date-long = { $day } { $month } { $year }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
month-short-1 = Jan
month-short-2 = Feb
month-short-3 = Mar
month-short-4 = Apr
month-short-5 = May
month-short-6 = Jun
month-short-7 = Jul
month-short-8 = Aug
month-short-9 = Sep
month-short-10 = Oct
month-short-11 = Nov
month-short-12 = Dec

## Pages that say no
problem-back-to-map = Back to the map
problem-invalid-field = Check the value of “{ $field }”.
problem-invalid-title = The request is not valid
problem-invalid-text = A value in the address is not valid. Correct it, or start again from the map.
problem-not-allowed-title = You do not have access to this page
problem-not-allowed-text = This page is for people with another role on the platform.
problem-not-found-title = We could not find this page
problem-not-found-text = The address may be mistyped, or what you are looking for is no longer published.
problem-refused-title = That could not be done
problem-refused-text = The current state does not allow it. Reload the page and see what it says now.
problem-too-many-title = Too many requests
problem-too-many-text = Wait a moment and try again.
problem-unavailable-title = Not available right now
problem-unavailable-text = The service is catching up. Try again in a few seconds.
problem-internal-title = Something went wrong on our side
problem-internal-text = It is not your fault. We have logged it to look into; try again later.

## Map
map-title = Map of initiatives
map-description = Interactive map of the cluster and territorial productive articulation initiatives of Latin America and the Caribbean, with filters by country, sector, kind and maturity.
map-heading = Map of initiatives
map-intro = Cluster and territorial productive articulation initiatives of the region. Filter by country, sector, kind or maturity, or search by name or place.
filters-label = Filters
filter-text = Search
filter-text-hint = Name, description or place; accents and capitals do not matter.
filter-country = Country
filter-any-country = All countries
filter-sector = Sector
filter-any-sector = All sectors
filter-kind = Kind of initiative
filter-any-kind = All kinds
filter-maturity = Maturity stage
filter-any-maturity = All stages
filter-apply = Filter
filter-reset = Clear filters
map-count = { $count ->
    [0] No initiative matches
    [one] { $shown } initiative
   *[other] { $shown } initiatives
}
map-cluster-label = initiatives
map-view-heading = Map view
map-controls-label = Map controls
map-zoom-in = Zoom in
map-zoom-out = Zoom out
map-pan-north = Move north
map-pan-south = Move south
map-pan-west = Move west
map-pan-east = Move east
map-fit = Show all
map-region-label = Map of the selected initiatives
map-keyboard-hint = With the keyboard: Tab goes through the groups and initiatives on the map; Enter opens a group or an initiative's page; the arrow keys move the map.
map-attribution = Country outlines: Natural Earth (public domain). Map drawn with Leaflet.
results-heading = List of initiatives
downloads-label = Download this selection:
results-empty = No initiative matches these filters.
results-caption = Initiatives { $first } to { $last } of { $total }
pager-label = Result pages
pager-previous = Previous
pager-next = Next
sectors-broad = Economic sectors
sectors-driving = Driving sectors (themes)
stale-badge = Not confirmed

## Fields of an initiative
field-name = Name
field-country = Country
field-region = Region
field-kind = Kind
field-sectors = Sectors
field-firms = Firms
field-maturity = Maturity
field-founding-year = Founded
field-value-chain = Value chain
field-strategic-focus = Strategic focus
field-funding = Funding sources
field-website = Website
field-facilitator = Facilitating organisation

## An initiative's page
initiative-back-to-map = Back to the map
initiative-retired = This initiative is no longer active on the platform.
initiative-last-confirmed = Data last confirmed on
initiative-stale-note = Nobody from the initiative has confirmed this data in the last 18 months; it may be out of date.
initiative-profile = Profile
initiative-location = Location
initiative-governance = Governance
governance-caption = Composition of the governing body
governance-private = Private sector
governance-public = Public sector
governance-academia = Academia
governance-civil-society = Civil society

## Statistics
statistics-title = Statistics
statistics-description = Initiatives and firms by country, sector, kind and maturity stage, and the platform's growth month by month.
statistics-heading = Statistics
statistics-intro = Figures of the approved, active initiatives on the platform. Every chart has its table and its CSV file.
statistics-total-initiatives = Initiatives
statistics-total-firms = Firms brought together
statistics-contents = Contents
statistics-countries = Initiatives by country
statistics-countries-key = Country
statistics-sectors = Initiatives by sector
statistics-sectors-key = Sector
statistics-kinds = Initiatives by kind
statistics-kinds-key = Kind
statistics-maturity = Initiatives by maturity stage
statistics-maturity-key = Stage
statistics-growth = Growth: initiatives approved per month
statistics-growth-key = Month
statistics-approved = Approved
statistics-initiatives = Initiatives
statistics-firms = Firms
statistics-empty = No data yet.
statistics-chart-note = the same data in the table below
statistics-download-csv = Download as CSV
