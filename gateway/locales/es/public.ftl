# Textos de la biblioteca, las comunidades y los proyectos conjuntos públicos (español).

nav-publications = Publicaciones
nav-news = Noticias
nav-gatherings = Encuentros
nav-communities = Comunidades
nav-joint-projects = Proyectos conjuntos
date-and-time = { $date }, { $time }
list-empty = Nada coincide con estos filtros.
pager-first = Primera página

## Filtros que puede traer la dirección, explicados junto a su campo
error-q = Escriba entre 1 y 200 caracteres de palabras por buscar.
error-from = Escriba una fecha como 2026-10-01.
error-to = Escriba una fecha como 2026-10-31, no anterior a la primera fecha.
error-when = Elija próximos, pasados o todos.
error-topic = Elija uno de los temas ofrecidos.
error-format = Elija uno de los formatos ofrecidos.
error-cursor = Este enlace de página ya no es válido: vuelva a empezar desde la primera página.
error-limit = Elija entre 1 y 100 resultados por página.
error-sector = Elija uno de los sectores ofrecidos.
error-policy = Elija abierta o moderada.
error-state = Elija uno de los estados ofrecidos.
error-open-call = Elija si la convocatoria de socios está abierta.

## La biblioteca
library-publications-title = Publicaciones
library-publications-heading = Publicaciones
library-publications-intro = Informes, estudios, buenas prácticas, metodologías y programas de formación que comparten las iniciativas de la región.
library-publications-count = { $count ->
    [0] Ninguna publicación coincide
    [one] { $shown } publicación
   *[other] { $shown } publicaciones
}
library-publications-back = Todas las publicaciones
library-news-title = Noticias
library-news-heading = Noticias
library-news-intro = Lo que ocurre en las iniciativas de articulación productiva de la región.
library-news-count = { $count ->
    [0] Ninguna noticia coincide
    [one] { $shown } noticia
   *[other] { $shown } noticias
}
library-news-back = Todas las noticias
library-gatherings-title = Encuentros
library-gatherings-heading = Encuentros
library-gatherings-intro = Capacitaciones, talleres, seminarios web, conferencias y visitas. Las horas se indican en la zona horaria de cada encuentro.
library-gatherings-count = { $count ->
    [0] Ningún encuentro coincide
    [one] { $shown } encuentro
   *[other] { $shown } encuentros
}
library-gatherings-back = Todos los encuentros
library-kind-publications = Publicación
library-kind-news = Noticia
library-kind-gatherings = Encuentro
library-status-submitted = En espera de revisión: solo usted y los moderadores la ven
library-status-rejected = Rechazada: solo usted y los moderadores la ven
library-status-withdrawn = Retirada: solo usted y los moderadores la ven
library-filter-language = Idioma
library-filter-any-language = Cualquier idioma
library-filter-topic = Tema
library-filter-any-topic = Cualquier tema
library-filter-format = Formato
library-filter-any-format = Cualquier formato
library-filter-when = Cuándo
library-when-upcoming = Próximos
library-when-past = Pasados
library-when-all = Todos
library-filter-from = Que comiencen desde
library-filter-to = Que comiencen hasta
library-filter-date-hint = Una fecha, como 2026-10-01.
library-subscribe = Suscribirse al calendario de próximos encuentros (.ics)
library-subscribe-hint = Agregue su dirección a su aplicación de calendario para mantenerlo al día.
library-shelves-label = Otras partes de la biblioteca
library-about = Detalles
library-field-kind = Tipo
library-field-language = Idioma
library-field-topic = Tema
library-field-format = Formato
library-field-submitted = Enviado el
library-field-link = Enlace
gathering-online = En línea
gathering-when = Cuándo
gathering-zone = Zona horaria:
gathering-your-time = En su zona horaria
gathering-place = Dónde
gathering-ics = Agregar a mi calendario (.ics)

## Comunidades de práctica
communities-title = Comunidades de práctica
communities-heading = Comunidades de práctica
communities-intro = Personas de las iniciativas comparten experiencias en torno a un sector o un tema.
communities-count = { $count ->
    [0] Ninguna comunidad coincide
    [one] { $shown } comunidad
   *[other] { $shown } comunidades
}
communities-back = Todas las comunidades
communities-filter-policy = Ingreso
communities-filter-any-policy = Abierta o moderada
community-policy-open = Abierta a todos los miembros
community-policy-moderated = Sus facilitadores aprueban el ingreso
community-members = { $count ->
    [0] Aún sin miembros
    [one] { $shown } miembro
   *[other] { $shown } miembros
}
community-threads = { $count ->
    [0] Aún sin conversaciones
    [one] { $shown } conversación
   *[other] { $shown } conversaciones
}
community-replies = { $count ->
    [0] sin respuestas
    [one] { $shown } respuesta
   *[other] { $shown } respuestas
}
community-latest = Última actividad
community-description = { $name }: una comunidad de práctica sobre { $theme }.
community-eyebrow = Comunidad de práctica
community-about = Sobre la comunidad
community-theme = Tema
community-joining = Ingreso
community-members-label = Miembros
community-created = Creada el
community-sign-in = Inicie sesión para participar
community-threads-heading = Conversaciones
community-started = Iniciada el

## Proyectos conjuntos
projects-title = Proyectos conjuntos
projects-heading = Proyectos conjuntos
projects-intro = Proyectos que las iniciativas de la región llevan adelante juntas, aprobados por los moderadores.
projects-count = { $count ->
    [0] Ningún proyecto coincide
    [one] { $shown } proyecto
   *[other] { $shown } proyectos
}
projects-back = Todos los proyectos conjuntos
projects-filter-state = Estado
projects-filter-any-state = Cualquier estado
projects-filter-call = Convocatoria de socios
projects-filter-any-call = Abierta o cerrada
projects-call-open = Convocatoria de socios abierta
projects-call-closed = Sin convocatoria abierta
project-unknown-initiative = Una iniciativa
project-lead = Líder
project-partners = Socios
project-eyebrow = Proyecto conjunto
project-who = Quiénes participan
project-no-partners = Aún no se ha sumado ningún socio.
project-interested = Interesadas en la convocatoria
project-about = Sobre el proyecto
project-state = Estado
project-call = Convocatoria de socios
project-countries = Países
project-proposed = Propuesto el
project-objectives = Objetivos

## En la página de una iniciativa
initiative-communities = Comunidades de práctica
initiative-no-communities = Sus gestores aún no pertenecen a ninguna comunidad de práctica.
initiative-projects = Proyectos conjuntos
initiative-no-projects = Aún no participa en ningún proyecto conjunto público.
initiative-projects-more = { $count ->
    [one] { $shown } proyecto en total
   *[other] { $shown } proyectos en total
}
