# Membros e moderação, parte 2: o ciclo de vida de um projeto, sair de comunidades, restaurar
# mensagens, os próprios envios à biblioteca, os nomes das pessoas.

## Pessoas
people-you = Você
field-display-name-hint = Visto pelos membros e moderadores com quem você trabalha na plataforma (nunca pelos visitantes).
people-erased = Uma pessoa cujos dados foram apagados

## Projetos conjuntos: o ciclo de vida
collab-project-back = Voltar ao projeto
collab-project-revise = Revisar o projeto
collab-project-revise-title = Revisar o projeto conjunto
collab-project-revise-heading = Revisar o projeto conjunto
collab-project-revise-intro = Mude o que o projeto é. O formulário mostra o projeto como você o abriu: se alguém o mudar nesse meio-tempo, você será convidado a olhar de novo.
collab-project-changed = O projeto mudou depois que você abriu este formulário. Agora ele mostra o projeto como está: refaça suas mudanças e salve.
collab-project-revise-save = Salvar a revisão
collab-project-activate = Iniciar o projeto
collab-project-complete = Marcar o projeto como concluído
collab-project-withdraw = Retirar o projeto
collab-project-withdraw-reason = Por que retirá-lo
collab-reason-optional = Opcional; até 1000 caracteres.
collab-invitation-decline-reason = Por que recusar (opcional)
collab-project-done-revised = O projeto foi revisado.
collab-project-done-activated = O projeto começou.
collab-project-done-completed = O projeto está concluído.
collab-project-done-withdrawn = O projeto foi retirado.
error-collab-reason = Um motivo pode ter no máximo 1000 caracteres.

## Comunidades e tópicos
collab-community-leave = Sair da comunidade
collab-community-withdraw = Retirar meu pedido
collab-community-done-left = Você saiu da comunidade.
collab-community-done-withdrawn = Seu pedido foi retirado.
collab-request-decline-reason = Por que recusar (opcional)
collab-author-named-facilitator = { $name } (facilita)
collab-post-restore = Restaurar a mensagem
collab-thread-done-restored = A mensagem foi restaurada: todos a veem de novo.

## O painel
collab-dashboard-submissions = Meus envios à biblioteca
collab-dashboard-no-submissions = Você ainda não enviou nada à biblioteca.
