# Vocabularios: etiquetas de los códigos del dominio.
# Keys: <vocabulary>-<code with hyphens>. Sector labels agree with domain::values::Sector::label (a test checks).

## Sectors
sector-agri-food-fishing = Agroalimentos y pesca
sector-forestry = Forestal
sector-mining = Minería
sector-manufacturing = Manufactura
sector-energy = Energía
sector-construction = Construcción
sector-logistics = Logística
sector-tourism = Turismo
sector-ict = Tecnologías de la información y las comunicaciones
sector-health = Salud
sector-creative-industries = Industrias creativas
sector-other-services = Otros servicios
sector-energy-transition = Transición energética
sector-green-hydrogen = Hidrógeno verde
sector-lithium = Litio
sector-electromobility = Electromovilidad
sector-circular-economy = Economía circular
sector-bioeconomy = Bioeconomía
sector-pharma-life-sciences = Industria farmacéutica y ciencias de la vida
sector-medical-devices = Dispositivos médicos
sector-digital-transformation = Transformación digital
sector-modern-services-export = Exportación de servicios modernos
sector-advanced-manufacturing = Manufactura avanzada
sector-sustainable-water-management = Gestión sostenible del agua
sector-care-economy = Economía del cuidado
sector-sustainable-tourism = Turismo sostenible

## Kinds of initiative
kind-cluster-initiative = Iniciativa clúster
kind-business-network = Red empresarial
kind-local-productive-project = Proyecto productivo local
kind-supplier-development-programme = Programa de desarrollo de proveedores
kind-productive-chain-programme = Programa de encadenamiento productivo

## Maturity stages
maturity-pre-incubation = Preincubación
maturity-launch = Lanzamiento
maturity-construction = Construcción
maturity-consolidation = Consolidación

## Funding sources
funding-national-government = Gobierno nacional
funding-subnational-government = Gobierno subnacional
funding-international-cooperation = Cooperación internacional
funding-multilateral-development-bank = Banco multilateral de desarrollo
funding-private-sector = Sector privado
funding-member-fees = Cuotas de los miembros
funding-academia = Academia
funding-own-revenue = Ingresos propios
funding-other = Otras fuentes

## Strategic focus
focus-internationalization = Internacionalización
focus-productive-linkages = Encadenamientos productivos
focus-innovation = Innovación
focus-quality = Calidad
focus-technology-extension = Extensionismo tecnológico
focus-investment-attraction = Atracción de inversiones
focus-access-to-credit = Acceso al crédito
focus-infrastructure = Infraestructura

## Countries and territories of Latin America and the Caribbean
country-AG = Antigua y Barbuda
country-AI = Anguila
country-AR = Argentina
country-AW = Aruba
country-BB = Barbados
country-BL = San Bartolomé
country-BO = Bolivia
country-BQ = Bonaire, San Eustaquio y Saba
country-BR = Brasil
country-BS = Bahamas
country-BV = Isla Bouvet
country-BZ = Belice
country-CL = Chile
country-CO = Colombia
country-CR = Costa Rica
country-CU = Cuba
country-CW = Curazao
country-DM = Dominica
country-DO = República Dominicana
country-EC = Ecuador
country-FK = Islas Malvinas (Falkland)
country-GD = Granada
country-GF = Guayana Francesa
country-GP = Guadalupe
country-GS = Islas Georgias del Sur y Sandwich del Sur
country-GT = Guatemala
country-GY = Guyana
country-HN = Honduras
country-HT = Haití
country-JM = Jamaica
country-KN = San Cristóbal y Nieves
country-KY = Islas Caimán
country-LC = Santa Lucía
country-MF = San Martín (parte francesa)
country-MQ = Martinica
country-MS = Montserrat
country-MX = México
country-NI = Nicaragua
country-PA = Panamá
country-PE = Perú
country-PR = Puerto Rico
country-PY = Paraguay
country-SR = Surinam
country-SV = El Salvador
country-SX = San Martín (parte neerlandesa)
country-TC = Islas Turcas y Caicos
country-TT = Trinidad y Tabago
country-UY = Uruguay
country-VC = San Vicente y las Granadinas
country-VE = Venezuela
country-VG = Islas Vírgenes Británicas
country-VI = Islas Vírgenes de los Estados Unidos

## Publicaciones, noticias y encuentros
item-language-es = Español
item-language-pt = Portugués
item-language-en = Inglés
topic-report-or-study = Informe o estudio
topic-good-practice = Buena práctica
topic-methodology-or-tool = Metodología o herramienta
topic-training-programme = Programa de formación
format-training = Capacitación
format-workshop = Taller
format-webinar = Seminario web
format-conference = Conferencia
format-visit = Visita

## Proyectos conjuntos
project-state-proposed = Propuesto
project-state-under-review = En revisión
project-state-approved = Aprobado
project-state-rejected = Rechazado
project-state-active = En marcha
project-state-completed = Concluido
project-state-withdrawn = Retirado
invitation-invited = invitada
invitation-accepted = participa
invitation-declined = declinó
