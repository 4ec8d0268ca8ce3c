# Textos da fila e da revisão de moderação, e das páginas de perfil de quem gere (português).

moderation-title = Fila de moderação
moderation-heading = Fila de moderação
moderation-intro = Tudo o que espera por moderação, do mais antigo ao mais recente. Reivindique um item antes de revisá-lo, para que as outras pessoas saibam que você está cuidando dele; a reivindicação expira após 30 minutos.
moderation-filters = Filtrar a fila
moderation-filter-kind = Tipo
moderation-filter-country = País
moderation-filter-apply = Mostrar
moderation-all-kinds = Todos os tipos
moderation-all-countries = Todos os países
moderation-kind-count = { $kind } ({ $count })
moderation-total = { $count ->
    [one] Um item espera.
   *[other] { $shown } itens esperam.
}
moderation-empty = Nada espera por moderação aqui.
moderation-caption = Itens à espera de revisão, do mais antigo ao mais recente
moderation-col-item = Item
moderation-col-kind = Tipo
moderation-col-country = País
moderation-col-age = Esperando há
moderation-col-claim = Revisão a cargo de
moderation-kind-initiative = Nova iniciativa
moderation-kind-profile-change = Alteração de perfil
moderation-kind-joint-project = Projeto conjunto
moderation-kind-publication = Publicação
moderation-kind-news = Notícia
moderation-kind-gathering = Encontro
moderation-kind-management-request = Pedido de gestão
moderation-kind-join-request = Pedido de adesão
moderation-age-minutes = { $count ->
    [one] 1 minuto
   *[other] { $shown } minutos
}
moderation-age-hours = { $count ->
    [one] 1 hora
   *[other] { $shown } horas
}
moderation-age-days = { $count ->
    [one] 1 dia
   *[other] { $shown } dias
}
moderation-claimed = Reivindicado por { $who } há { $age }
moderation-claim-you = você
moderation-claim-other = a pessoa moderadora { $account }
moderation-claim = Reivindicar
moderation-release = Liberar
moderation-claim-heading = Revisão a cargo de
moderation-unclaimed = Ninguém reivindicou este item.
moderation-claim-done = Você reivindicou este item por 30 minutos.
moderation-claim-taken = Outra pessoa moderadora reivindicou este item antes. Você ainda pode lê-lo.
moderation-done-approved = Aprovado. Já saiu da fila.
moderation-done-rejected = Rejeitado; o motivo foi enviado. Já saiu da fila.
moderation-done-released = Sua reivindicação foi liberada.
moderation-back = Voltar à fila
moderation-submission = O que foi enviado
moderation-diff-heading = Alteração proposta, ao lado do perfil aprovado
moderation-diff-field = Campo
moderation-diff-current = Aprovado agora
moderation-diff-proposed = Proposto
moderation-decision = Decisão
moderation-approve = Aprovar
moderation-reject = Rejeitar
moderation-reason = Motivo da rejeição
moderation-reason-hint = Obrigatório para rejeitar: quem enviou lê o motivo e pode corrigir o que você apontar.
moderation-changed = Este item mudou depois que você o abriu. Leia-o de novo como está agora, abaixo, e então decida.
moderation-settled = Este item já não espera uma decisão: alguém o decidiu ou retirou nesse meio-tempo.
moderation-not-yours = Você não pode decidir este item porque o enviou ou gere aquilo de que ele trata. Outra pessoa moderadora deve revisá-lo.
moderation-requesters = Pedido por (conta)
moderation-field-location = Localização (latitude, longitude)
moderation-field-governance = Órgão de governança
moderation-field-description = Descrição
moderation-field-objectives = Objetivos
moderation-field-lead = Iniciativa líder
moderation-field-partners = Iniciativas parceiras
moderation-field-summary = Resumo
moderation-field-when = Quando
moderation-field-where = Onde
moderation-field-link = Link
moderation-field-author = Autoria (conta)
error-reason = Escreva o motivo da rejeição: de 1 a 1.000 caracteres.
nav-moderation = Moderação
dashboard-moderation = Moderação
dashboard-moderation-link = { $count ->
    [one] Fila de moderação: 1 item espera
   *[other] Fila de moderação: { $shown } itens esperam
}

## A página de gestão de uma iniciativa
manage-title = Gerir “{ $name }”
manage-intro = Altere o perfil abaixo e salve-o. Numa iniciativa aprovada, alterações de nome, tipo, país, região ou localização esperam por moderação; os demais campos mudam na hora.
manage-edit-heading = O perfil
manage-save = Salvar o perfil
manage-state-heading = Situação
manage-status = Revisão:
manage-change-rejected = Uma pessoa moderadora rejeitou a última alteração do perfil:
manage-last-confirmed = Dados confirmados pela última vez em { $date }.
manage-never-confirmed = Os dados ainda não foram confirmados.
manage-confirm = Confirmar que os dados continuam corretos
manage-pending-heading = Alteração à espera de revisão
manage-pending-intro = Até que uma pessoa moderadora decida, o mapa mostra o perfil aprovado.
manage-pending-proposed = À espera de revisão
manage-managers-heading = Pessoas gestoras
manage-you = { $account } (você)
manage-remove = Remover
manage-add = Adicionar uma pessoa gestora
manage-account = Id da conta da nova pessoa gestora
manage-account-hint = O id de conta da pessoa, um UUID (a API o informa em GET /v1/me, como `id`).
manage-account-error = Este não é o id de uma conta ativa que possa gerir a iniciativa.
manage-changed = A iniciativa mudou depois que você abriu esta página. Ela aparece abaixo como está agora; confira e tente de novo.
manage-refused = Isto não pode ser feito agora: a situação da iniciativa não permite (por exemplo, já há outra alteração à espera de revisão).
manage-done-saved = O perfil foi salvo. As alterações que precisam de revisão aparecem ao lado do perfil aprovado até que uma pessoa moderadora decida.
manage-done-confirmed = Obrigado: os dados ficam confirmados como corretos hoje.
manage-done-added = A pessoa gestora foi adicionada.
manage-done-removed = A pessoa gestora foi removida.
manage-done-requested = Seu pedido para gerir a iniciativa foi enviado; as pessoas gestoras ou uma pessoa moderadora vão responder.
manage-section = Gestão desta iniciativa
manage-open = Gerir esta iniciativa
manage-request-intro = Você participa da condução desta iniciativa? Peça para ser uma das pessoas gestoras.
manage-request = Pedir para gerir
problem-already-asked-title = Já pedido
problem-already-asked-text = Você já gere esta iniciativa ou já pediu para geri-la; seu pedido espera resposta.
