# Textos do console web (português).

site-name = Articula
site-description = Plataforma regional de iniciativas de cluster e de articulação produtiva territorial da América Latina e do Caribe: mapa, perfis e estatísticas.
skip-to-content = Ir para o conteúdo
nav-label = Seções
nav-map = Mapa
nav-statistics = Estatísticas
language-switch-label = Idioma
language-es = Español
language-pt = Português
language-en = English
footer-about = O Articula reúne as iniciativas de articulação produtiva da região para lhes dar visibilidade e conectá-las entre si.
footer-data = Os dados são abertos:
footer-api = API e documentação

## Datas
date-long = { $day } de { $month } de { $year }
month-1 = janeiro
month-2 = fevereiro
month-3 = março
month-4 = abril
month-5 = maio
month-6 = junho
month-7 = julho
month-8 = agosto
month-9 = setembro
month-10 = outubro
month-11 = novembro
month-12 = dezembro
month-short-1 = jan.
month-short-2 = fev.
month-short-3 = mar.
month-short-4 = abr.
month-short-5 = mai.
month-short-6 = jun.
month-short-7 = jul.
month-short-8 = ago.
month-short-9 = set.
month-short-10 = out.
month-short-11 = nov.
month-short-12 = dez.

## Páginas que dizem não
problem-back-to-map = Voltar ao mapa
problem-invalid-field = Verifique o valor de “{ $field }”.
problem-invalid-title = A solicitação não é válida
problem-invalid-text = Algum valor do endereço não é válido. Corrija-o ou recomece a partir do mapa.
problem-not-allowed-title = Você não tem acesso a esta página
problem-not-allowed-text = Esta página é só para pessoas com outro papel na plataforma.
problem-not-found-title = Não encontramos esta página
problem-not-found-text = Talvez o endereço esteja errado ou o que você procura não esteja mais publicado.
problem-refused-title = Não foi possível fazer isso
problem-refused-text = O estado atual não permite. Recarregue a página e veja o que ela diz agora.
problem-too-many-title = Solicitações demais
problem-too-many-text = Aguarde um momento e tente de novo.
problem-unavailable-title = Indisponível no momento
problem-unavailable-text = O serviço está se atualizando. Tente de novo em alguns segundos.
problem-internal-title = Algo deu errado do nosso lado
problem-internal-text = Não é culpa sua. Registramos o ocorrido para analisar; tente de novo mais tarde.

## Mapa
map-title = Mapa de iniciativas
map-description = Mapa interativo das iniciativas de cluster e de articulação produtiva territorial da América Latina e do Caribe, com filtros por país, setor, tipo e maturidade.
map-heading = Mapa de iniciativas
map-intro = Iniciativas de cluster e de articulação produtiva territorial da região. Filtre por país, setor, tipo ou maturidade, ou busque por nome ou lugar.
filters-label = Filtros
filter-text = Buscar
filter-text-hint = Nome, descrição ou lugar; acentos e maiúsculas não importam.
filter-country = País
filter-any-country = Todos os países
filter-sector = Setor
filter-any-sector = Todos os setores
filter-kind = Tipo de iniciativa
filter-any-kind = Todos os tipos
filter-maturity = Estágio de maturidade
filter-any-maturity = Todos os estágios
filter-apply = Filtrar
filter-reset = Limpar filtros
map-count = { $count ->
    [0] Nenhuma iniciativa corresponde
    [one] { $shown } iniciativa
   *[other] { $shown } iniciativas
}
map-cluster-label = iniciativas
map-view-heading = Visão de mapa
map-controls-label = Controles do mapa
map-zoom-in = Aproximar
map-zoom-out = Afastar
map-pan-north = Mover para o norte
map-pan-south = Mover para o sul
map-pan-west = Mover para o oeste
map-pan-east = Mover para o leste
map-fit = Ver todas
map-region-label = Mapa das iniciativas selecionadas
map-keyboard-hint = Pelo teclado: Tab percorre os grupos e as iniciativas do mapa; Enter abre um grupo ou o perfil de uma iniciativa; as setas movem o mapa.
map-attribution = Contornos dos países: Natural Earth (domínio público). Mapa desenhado com Leaflet.
results-heading = Lista de iniciativas
downloads-label = Baixar esta seleção:
results-empty = Nenhuma iniciativa corresponde a estes filtros.
results-caption = Iniciativas { $first } a { $last } de { $total }
pager-label = Páginas de resultados
pager-previous = Anteriores
pager-next = Próximas
sectors-broad = Setores econômicos
sectors-driving = Setores impulsionadores (temas)
stale-badge = Não confirmado

## Campos de uma iniciativa
field-name = Nome
field-country = País
field-region = Região
field-kind = Tipo
field-sectors = Setores
field-firms = Empresas
field-maturity = Maturidade
field-founding-year = Ano de fundação
field-value-chain = Cadeia de valor
field-strategic-focus = Foco estratégico
field-funding = Fontes de financiamento
field-website = Site
field-facilitator = Organização facilitadora

## Perfil de uma iniciativa
initiative-back-to-map = Voltar ao mapa
initiative-retired = Esta iniciativa não está mais ativa na plataforma.
initiative-last-confirmed = Dados confirmados pela última vez em
initiative-stale-note = Ninguém da iniciativa confirmou estes dados nos últimos 18 meses; podem estar desatualizados.
initiative-profile = Perfil
initiative-location = Localização
initiative-governance = Governança
governance-caption = Composição do órgão de governo
governance-private = Setor privado
governance-public = Setor público
governance-academia = Academia
governance-civil-society = Sociedade civil

## Estatísticas
statistics-title = Estatísticas
statistics-description = Iniciativas e empresas por país, setor, tipo e estágio de maturidade, e o crescimento da plataforma mês a mês.
statistics-heading = Estatísticas
statistics-intro = Números das iniciativas aprovadas e ativas na plataforma. Cada gráfico tem sua tabela e seu arquivo CSV.
statistics-total-initiatives = Iniciativas
statistics-total-firms = Empresas articuladas
statistics-contents = Conteúdo
statistics-countries = Iniciativas por país
statistics-countries-key = País
statistics-sectors = Iniciativas por setor
statistics-sectors-key = Setor
statistics-kinds = Iniciativas por tipo
statistics-kinds-key = Tipo
statistics-maturity = Iniciativas por estágio de maturidade
statistics-maturity-key = Estágio
statistics-growth = Crescimento: iniciativas aprovadas por mês
statistics-growth-key = Mês
statistics-approved = Aprovadas
statistics-initiatives = Iniciativas
statistics-firms = Empresas
statistics-empty = Ainda não há dados.
statistics-chart-note = os mesmos dados na tabela a seguir
statistics-download-csv = Baixar como CSV
