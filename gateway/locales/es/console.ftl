# Textos de la consola web (español).

site-name = Articula
site-description = Plataforma regional de iniciativas clúster y de articulación productiva territorial de América Latina y el Caribe: mapa, fichas y estadísticas.
skip-to-content = Saltar al contenido
nav-label = Secciones
nav-map = Mapa
nav-statistics = Estadísticas
language-switch-label = Idioma
language-es = Español
language-pt = Português
language-en = English
footer-about = Articula reúne las iniciativas de articulación productiva de la región para darles visibilidad y conectarlas entre sí.
footer-data = Los datos están abiertos:
footer-api = API y documentación

## Fechas
date-long = { $day } de { $month } de { $year }
month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre
month-short-1 = ene.
month-short-2 = feb.
month-short-3 = mar.
month-short-4 = abr.
month-short-5 = may.
month-short-6 = jun.
month-short-7 = jul.
month-short-8 = ago.
month-short-9 = sept.
month-short-10 = oct.
month-short-11 = nov.
month-short-12 = dic.

## Páginas que dicen que no
problem-back-to-map = Volver al mapa
problem-invalid-field = Revise el valor de «{ $field }».
problem-invalid-title = La solicitud no es válida
problem-invalid-text = Algún valor de la dirección no es válido. Corríjalo o vuelva a empezar desde el mapa.
problem-not-allowed-title = No tiene acceso a esta página
problem-not-allowed-text = Esta página es solo para personas con otro rol en la plataforma.
problem-not-found-title = No encontramos esta página
problem-not-found-text = Puede que la dirección esté mal escrita o que lo que busca ya no esté publicado.
problem-refused-title = No fue posible hacerlo
problem-refused-text = El estado actual no lo permite. Vuelva a cargar la página y revise lo que dice ahora.
problem-too-many-title = Demasiadas solicitudes
problem-too-many-text = Espere un momento y vuelva a intentarlo.
problem-unavailable-title = No disponible por ahora
problem-unavailable-text = El servicio se está poniendo al día. Vuelva a intentarlo en unos segundos.
problem-internal-title = Algo salió mal de nuestro lado
problem-internal-text = No es culpa suya. Lo registramos para revisarlo; vuelva a intentarlo más tarde.

## Mapa
map-title = Mapa de iniciativas
map-description = Mapa interactivo de las iniciativas clúster y de articulación productiva territorial de América Latina y el Caribe, con filtros por país, sector, tipo y madurez.
map-heading = Mapa de iniciativas
map-intro = Iniciativas clúster y de articulación productiva territorial de la región. Filtre por país, sector, tipo o madurez, o busque por nombre o lugar.
filters-label = Filtros
filter-text = Buscar
filter-text-hint = Nombre, descripción o lugar; no importan tildes ni mayúsculas.
filter-country = País
filter-any-country = Todos los países
filter-sector = Sector
filter-any-sector = Todos los sectores
filter-kind = Tipo de iniciativa
filter-any-kind = Todos los tipos
filter-maturity = Etapa de madurez
filter-any-maturity = Todas las etapas
filter-apply = Filtrar
filter-reset = Quitar filtros
map-count = { $count ->
    [0] Ninguna iniciativa coincide
    [one] { $shown } iniciativa
   *[other] { $shown } iniciativas
}
map-cluster-label = iniciativas
map-view-heading = Vista de mapa
map-controls-label = Controles del mapa
map-zoom-in = Acercar
map-zoom-out = Alejar
map-pan-north = Mover al norte
map-pan-south = Mover al sur
map-pan-west = Mover al oeste
map-pan-east = Mover al este
map-fit = Ver todas
map-region-label = Mapa de las iniciativas seleccionadas
map-keyboard-hint = Con el teclado: Tab recorre los grupos y las iniciativas del mapa; Intro abre un grupo o la ficha de una iniciativa; las flechas mueven el mapa.
map-attribution = Contornos de países: Natural Earth (dominio público). Mapa dibujado con Leaflet.
results-heading = Lista de iniciativas
downloads-label = Descargar esta selección:
results-empty = Ninguna iniciativa coincide con estos filtros.
results-caption = Iniciativas { $first } a { $last } de { $total }
pager-label = Páginas de resultados
pager-previous = Anteriores
pager-next = Siguientes
sectors-broad = Sectores económicos
sectors-driving = Sectores impulsores (temas)
stale-badge = Sin confirmar

## Campos de una iniciativa
field-name = Nombre
field-country = País
field-region = Región
field-kind = Tipo
field-sectors = Sectores
field-firms = Empresas
field-maturity = Madurez
field-founding-year = Año de fundación
field-value-chain = Cadena de valor
field-strategic-focus = Enfoque estratégico
field-funding = Fuentes de financiamiento
field-website = Sitio web
field-facilitator = Organización facilitadora

## Ficha de una iniciativa
initiative-back-to-map = Volver al mapa
initiative-retired = Esta iniciativa ya no está activa en la plataforma.
initiative-last-confirmed = Datos confirmados por última vez el
initiative-stale-note = Nadie de la iniciativa ha confirmado estos datos en los últimos 18 meses; pueden estar desactualizados.
initiative-profile = Perfil
initiative-location = Ubicación
initiative-governance = Gobernanza
governance-caption = Composición del órgano de gobierno
governance-private = Sector privado
governance-public = Sector público
governance-academia = Academia
governance-civil-society = Sociedad civil

## Estadísticas
statistics-title = Estadísticas
statistics-description = Iniciativas y empresas por país, sector, tipo y etapa de madurez, y el crecimiento de la plataforma mes a mes.
statistics-heading = Estadísticas
statistics-intro = Cifras de las iniciativas aprobadas y activas en la plataforma. Cada gráfico tiene su tabla y su archivo CSV.
statistics-total-initiatives = Iniciativas
statistics-total-firms = Empresas articuladas
statistics-contents = Contenido
statistics-countries = Iniciativas por país
statistics-countries-key = País
statistics-sectors = Iniciativas por sector
statistics-sectors-key = Sector
statistics-kinds = Iniciativas por tipo
statistics-kinds-key = Tipo
statistics-maturity = Iniciativas por etapa de madurez
statistics-maturity-key = Etapa
statistics-growth = Crecimiento: iniciativas aprobadas por mes
statistics-growth-key = Mes
statistics-approved = Aprobadas
statistics-initiatives = Iniciativas
statistics-firms = Empresas
statistics-empty = Todavía no hay datos.
statistics-chart-note = los mismos datos en la tabla siguiente
statistics-download-csv = Descargar como CSV
