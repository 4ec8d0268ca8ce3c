# Vocabulários: rótulos dos códigos do domínio.
# Keys: <vocabulary>-<code with hyphens>. Sector labels agree with domain::values::Sector::label (a test checks).

## Sectors
sector-agri-food-fishing = Agroalimentos e pesca
sector-forestry = Florestal
sector-mining = Mineração
sector-manufacturing = Indústria de transformação
sector-energy = Energia
sector-construction = Construção
sector-logistics = Logística
sector-tourism = Turismo
sector-ict = Tecnologias da informação e comunicação
sector-health = Saúde
sector-creative-industries = Indústrias criativas
sector-other-services = Outros serviços
sector-energy-transition = Transição energética
sector-green-hydrogen = Hidrogênio verde
sector-lithium = Lítio
sector-electromobility = Eletromobilidade
sector-circular-economy = Economia circular
sector-bioeconomy = Bioeconomia
sector-pharma-life-sciences = Indústria farmacêutica e ciências da vida
sector-medical-devices = Dispositivos médicos
sector-digital-transformation = Transformação digital
sector-modern-services-export = Exportação de serviços modernos
sector-advanced-manufacturing = Manufatura avançada
sector-sustainable-water-management = Gestão sustentável da água
sector-care-economy = Economia do cuidado
sector-sustainable-tourism = Turismo sustentável

## Kinds of initiative
kind-cluster-initiative = Iniciativa de cluster
kind-business-network = Rede empresarial
kind-local-productive-project = Projeto produtivo local
kind-supplier-development-programme = Programa de desenvolvimento de fornecedores
kind-productive-chain-programme = Programa de cadeia produtiva

## Maturity stages
maturity-pre-incubation = Pré-incubação
maturity-launch = Lançamento
maturity-construction = Construção
maturity-consolidation = Consolidação

## Funding sources
funding-national-government = Governo nacional
funding-subnational-government = Governo subnacional
funding-international-cooperation = Cooperação internacional
funding-multilateral-development-bank = Banco multilateral de desenvolvimento
funding-private-sector = Setor privado
funding-member-fees = Contribuições dos membros
funding-academia = Academia
funding-own-revenue = Receitas próprias
funding-other = Outras fontes

## Strategic focus
focus-internationalization = Internacionalização
focus-productive-linkages = Encadeamentos produtivos
focus-innovation = Inovação
focus-quality = Qualidade
focus-technology-extension = Extensionismo tecnológico
focus-investment-attraction = Atração de investimentos
focus-access-to-credit = Acesso ao crédito
focus-infrastructure = Infraestrutura

## Countries and territories of Latin America and the Caribbean
country-AG = Antígua e Barbuda
country-AI = Anguila
country-AR = Argentina
country-AW = Aruba
country-BB = Barbados
country-BL = São Bartolomeu
country-BO = Bolívia
country-BQ = Bonaire, Santo Eustáquio e Saba
country-BR = Brasil
country-BS = Bahamas
country-BV = Ilha Bouvet
country-BZ = Belize
country-CL = Chile
country-CO = Colômbia
country-CR = Costa Rica
country-CU = Cuba
country-CW = Curaçao
country-DM = Dominica
country-DO = República Dominicana
country-EC = Equador
country-FK = Ilhas Malvinas (Falkland)
country-GD = Granada
country-GF = Guiana Francesa
country-GP = Guadalupe
country-GS = Ilhas Geórgia do Sul e Sandwich do Sul
country-GT = Guatemala
country-GY = Guiana
country-HN = Honduras
country-HT = Haiti
country-JM = Jamaica
country-KN = São Cristóvão e Névis
country-KY = Ilhas Cayman
country-LC = Santa Lúcia
country-MF = São Martinho (parte francesa)
country-MQ = Martinica
country-MS = Montserrat
country-MX = México
country-NI = Nicarágua
country-PA = Panamá
country-PE = Peru
country-PR = Porto Rico
country-PY = Paraguai
country-SR = Suriname
country-SV = El Salvador
country-SX = São Martinho (parte holandesa)
country-TC = Ilhas Turcas e Caicos
country-TT = Trinidad e Tobago
country-UY = Uruguai
country-VC = São Vicente e Granadinas
country-VE = Venezuela
country-VG = Ilhas Virgens Britânicas
country-VI = Ilhas Virgens Americanas

## Publicações, notícias e encontros
item-language-es = Espanhol
item-language-pt = Português
item-language-en = Inglês
topic-report-or-study = Relatório ou estudo
topic-good-practice = Boa prática
topic-methodology-or-tool = Metodologia ou ferramenta
topic-training-programme = Programa de formação
format-training = Capacitação
format-workshop = Oficina
format-webinar = Webinar
format-conference = Conferência
format-visit = Visita

## Projetos conjuntos
project-state-proposed = Proposto
project-state-under-review = Em revisão
project-state-approved = Aprovado
project-state-rejected = Rejeitado
project-state-active = Em andamento
project-state-completed = Concluído
project-state-withdrawn = Retirado
invitation-invited = convidada
invitation-accepted = participa
invitation-declined = recusou
