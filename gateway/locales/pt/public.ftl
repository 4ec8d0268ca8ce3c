# Textos da biblioteca, das comunidades e dos projetos conjuntos públicos (português).

nav-publications = Publicações
nav-news = Notícias
nav-gatherings = Encontros
nav-communities = Comunidades
nav-joint-projects = Projetos conjuntos
date-and-time = { $date }, { $time }
list-empty = Nada corresponde a estes filtros.
pager-first = Primeira página

## Filtros que o endereço pode trazer, explicados ao lado do seu campo
error-q = Escreva entre 1 e 200 caracteres de palavras a buscar.
error-from = Escreva uma data como 2026-10-01.
error-to = Escreva uma data como 2026-10-31, não anterior à primeira data.
error-when = Escolha próximos, passados ou todos.
error-topic = Escolha um dos temas oferecidos.
error-format = Escolha um dos formatos oferecidos.
error-cursor = Este link de página não é mais válido: recomece pela primeira página.
error-limit = Escolha entre 1 e 100 resultados por página.
error-sector = Escolha um dos setores oferecidos.
error-policy = Escolha aberta ou moderada.
error-state = Escolha um dos estados oferecidos.
error-open-call = Escolha se a chamada de parceiros está aberta.

## A biblioteca
library-publications-title = Publicações
library-publications-heading = Publicações
library-publications-intro = Relatórios, estudos, boas práticas, metodologias e programas de formação compartilhados pelas iniciativas da região.
library-publications-count = { $count ->
    [0] Nenhuma publicação corresponde
    [one] { $shown } publicação
   *[other] { $shown } publicações
}
library-publications-back = Todas as publicações
library-news-title = Notícias
library-news-heading = Notícias
library-news-intro = O que acontece nas iniciativas de articulação produtiva da região.
library-news-count = { $count ->
    [0] Nenhuma notícia corresponde
    [one] { $shown } notícia
   *[other] { $shown } notícias
}
library-news-back = Todas as notícias
library-gatherings-title = Encontros
library-gatherings-heading = Encontros
library-gatherings-intro = Capacitações, oficinas, webinars, conferências e visitas. Os horários são indicados no fuso horário de cada encontro.
library-gatherings-count = { $count ->
    [0] Nenhum encontro corresponde
    [one] { $shown } encontro
   *[other] { $shown } encontros
}
library-gatherings-back = Todos os encontros
library-kind-publications = Publicação
library-kind-news = Notícia
library-kind-gatherings = Encontro
library-status-submitted = Aguardando revisão: só você e os moderadores a veem
library-status-rejected = Rejeitada: só você e os moderadores a veem
library-status-withdrawn = Retirada: só você e os moderadores a veem
library-filter-language = Idioma
library-filter-any-language = Qualquer idioma
library-filter-topic = Tema
library-filter-any-topic = Qualquer tema
library-filter-format = Formato
library-filter-any-format = Qualquer formato
library-filter-when = Quando
library-when-upcoming = Próximos
library-when-past = Passados
library-when-all = Todos
library-filter-from = Começando a partir de
library-filter-to = Começando até
library-filter-date-hint = Uma data, como 2026-10-01.
library-subscribe = Assinar o calendário dos próximos encontros (.ics)
library-subscribe-hint = Adicione o endereço ao seu aplicativo de calendário para mantê-lo atualizado.
library-shelves-label = Outras partes da biblioteca
library-about = Detalhes
library-field-kind = Tipo
library-field-language = Idioma
library-field-topic = Tema
library-field-format = Formato
library-field-submitted = Enviado em
library-field-link = Link
gathering-online = On-line
gathering-when = Quando
gathering-zone = Fuso horário:
gathering-your-time = No seu fuso horário
gathering-place = Onde
gathering-ics = Adicionar à minha agenda (.ics)

## Comunidades de prática
communities-title = Comunidades de prática
communities-heading = Comunidades de prática
communities-intro = Pessoas das iniciativas compartilham experiências em torno de um setor ou de um tema.
communities-count = { $count ->
    [0] Nenhuma comunidade corresponde
    [one] { $shown } comunidade
   *[other] { $shown } comunidades
}
communities-back = Todas as comunidades
communities-filter-policy = Entrada
communities-filter-any-policy = Aberta ou moderada
community-policy-open = Aberta a todos os membros
community-policy-moderated = Seus facilitadores aprovam a entrada
community-members = { $count ->
    [0] Ainda sem membros
    [one] { $shown } membro
   *[other] { $shown } membros
}
community-threads = { $count ->
    [0] Ainda sem conversas
    [one] { $shown } conversa
   *[other] { $shown } conversas
}
community-replies = { $count ->
    [0] sem respostas
    [one] { $shown } resposta
   *[other] { $shown } respostas
}
community-latest = Última atividade
community-description = { $name }: uma comunidade de prática sobre { $theme }.
community-eyebrow = Comunidade de prática
community-about = Sobre a comunidade
community-theme = Tema
community-joining = Entrada
community-members-label = Membros
community-created = Criada em
community-sign-in = Entre para participar
community-threads-heading = Conversas
community-started = Iniciada em

## Projetos conjuntos
projects-title = Projetos conjuntos
projects-heading = Projetos conjuntos
projects-intro = Projetos que as iniciativas da região realizam juntas, aprovados pelos moderadores.
projects-count = { $count ->
    [0] Nenhum projeto corresponde
    [one] { $shown } projeto
   *[other] { $shown } projetos
}
projects-back = Todos os projetos conjuntos
projects-filter-state = Estado
projects-filter-any-state = Qualquer estado
projects-filter-call = Chamada de parceiros
projects-filter-any-call = Aberta ou fechada
projects-call-open = Chamada de parceiros aberta
projects-call-closed = Sem chamada aberta
project-unknown-initiative = Uma iniciativa
project-lead = Líder
project-partners = Parceiros
project-eyebrow = Projeto conjunto
project-who = Quem participa
project-no-partners = Nenhum parceiro aderiu ainda.
project-interested = Interessadas na chamada
project-about = Sobre o projeto
project-state = Estado
project-call = Chamada de parceiros
project-countries = Países
project-proposed = Proposto em
project-objectives = Objetivos

## Na página de uma iniciativa
initiative-communities = Comunidades de prática
initiative-no-communities = Seus gestores ainda não pertencem a nenhuma comunidade de prática.
initiative-projects = Projetos conjuntos
initiative-no-projects = Ainda não participa de nenhum projeto conjunto público.
initiative-projects-more = { $count ->
    [one] { $shown } projeto no total
   *[other] { $shown } projetos no total
}
