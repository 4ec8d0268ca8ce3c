# Vocabularies: labels of the domain's codes.
# Keys: <vocabulary>-<code with hyphens>. Sector labels agree with domain::values::Sector::label (a test checks).

## Sectors
sector-agri-food-fishing = Agri-food and fishing
sector-forestry = Forestry
sector-mining = Mining
sector-manufacturing = Manufacturing
sector-energy = Energy
sector-construction = Construction
sector-logistics = Logistics
sector-tourism = Tourism
sector-ict = Information and communication technologies
sector-health = Health
sector-creative-industries = Creative industries
sector-other-services = Other services
sector-energy-transition = Energy transition
sector-green-hydrogen = Green hydrogen
sector-lithium = Lithium
sector-electromobility = Electromobility
sector-circular-economy = Circular economy
sector-bioeconomy = Bioeconomy
sector-pharma-life-sciences = Pharmaceuticals and life sciences
sector-medical-devices = Medical devices
sector-digital-transformation = Digital transformation
sector-modern-services-export = Modern services export
sector-advanced-manufacturing = Advanced manufacturing
sector-sustainable-water-management = Sustainable water management
sector-care-economy = Care economy
sector-sustainable-tourism = Sustainable tourism

## Kinds of initiative
kind-cluster-initiative = Cluster initiative
kind-business-network = Business network
kind-local-productive-project = Local productive project
kind-supplier-development-programme = Supplier development programme
kind-productive-chain-programme = Productive chain programme

## Maturity stages
maturity-pre-incubation = Pre-incubation
maturity-launch = Launch
maturity-construction = Construction
maturity-consolidation = Consolidation

## Funding sources
funding-national-government = National government
funding-subnational-government = Subnational government
funding-international-cooperation = International cooperation
funding-multilateral-development-bank = Multilateral development bank
funding-private-sector = Private sector
funding-member-fees = Member fees
funding-academia = Academia
funding-own-revenue = Own revenue
funding-other = Other sources

## Strategic focus
focus-internationalization = Internationalisation
focus-productive-linkages = Productive linkages
focus-innovation = Innovation
focus-quality = Quality
focus-technology-extension = Technology extension
focus-investment-attraction = Investment attraction
focus-access-to-credit = Access to credit
focus-infrastructure = Infrastructure

## Countries and territories of Latin America and the Caribbean
country-AG = Antigua and Barbuda
country-AI = Anguilla
country-AR = Argentina
country-AW = Aruba
country-BB = Barbados
country-BL = Saint Barthélemy
country-BO = Bolivia
country-BQ = Bonaire, Sint Eustatius and Saba
country-BR = Brazil
country-BS = Bahamas
country-BV = Bouvet Island
country-BZ = Belize
country-CL = Chile
country-CO = Colombia
country-CR = Costa Rica
country-CU = Cuba
country-CW = Curaçao
country-DM = Dominica
country-DO = Dominican Republic
country-EC = Ecuador
country-FK = Falkland Islands (Malvinas)
country-GD = Grenada
country-GF = French Guiana
country-GP = Guadeloupe
country-GS = South Georgia and the South Sandwich Islands
country-GT = Guatemala
country-GY = Guyana
country-HN = Honduras
country-HT = Haiti
country-JM = Jamaica
country-KN = Saint Kitts and Nevis
country-KY = Cayman Islands
country-LC = Saint Lucia
country-MF = Saint Martin (French part)
country-MQ = Martinique
country-MS = Montserrat
country-MX = Mexico
country-NI = Nicaragua
country-PA = Panama
country-PE = Peru
country-PR = Puerto Rico
country-PY = Paraguay
country-SR = Suriname
country-SV = El Salvador
country-SX = Sint Maarten (Dutch part)
country-TC = Turks and Caicos Islands
country-TT = Trinidad and Tobago
country-UY = Uruguay
country-VC = Saint Vincent and the Grenadines
country-VE = Venezuela
country-VG = British Virgin Islands
country-VI = United States Virgin Islands

## Publications, news and gatherings
item-language-es = Spanish
item-language-pt = Portuguese
item-language-en = English
topic-report-or-study = Report or study
topic-good-practice = Good practice
topic-methodology-or-tool = Methodology or tool
topic-training-programme = Training programme
format-training = Training
format-workshop = Workshop
format-webinar = Webinar
format-conference = Conference
format-visit = Visit

## Joint projects
project-state-proposed = Proposed
project-state-under-review = Under review
project-state-approved = Approved
project-state-rejected = Rejected
project-state-active = Active
project-state-completed = Completed
project-state-withdrawn = Withdrawn
invitation-invited = invited
invitation-accepted = taking part
invitation-declined = declined
