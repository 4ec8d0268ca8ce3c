# Textos do acesso e da própria conta (português).

nav-account-label = Sua conta
nav-account = Minha conta
nav-sign-out = Sair
nav-sign-in = Entrar
nav-sign-up = Criar conta

## Formulários
form-has-errors = Alguns campos precisam de revisão:
form-too-many = Tentativas demais. Espere alguns minutos e tente de novo.
error-field = Verifique este valor.
error-email = Digite um e-mail como nome@exemplo.org.
error-display-name = Digite um nome de 1 a 100 caracteres, em uma só linha.
error-password = Use de 12 a 128 caracteres, que não seja uma senha comum nem a parte do nome do seu e-mail.
error-new-password = Use de 12 a 128 caracteres, que não seja uma senha comum nem a parte do nome do seu e-mail.
error-current-password = Esta não é a sua senha atual.
error-phone = Digite de 7 a 15 dígitos, com um + inicial se quiser; espaços, hifens e parênteses são aceitos.
error-language = Escolha um dos idiomas oferecidos.
field-email = E-mail
field-password = Senha
field-new-password = Nova senha
field-current-password = Senha atual
field-display-name = Seu nome
field-phone = Telefone (opcional)
field-language = Idioma da plataforma e dos seus e-mails
field-account-id = Identificador da conta
field-secret = Chave de uso único
hint-password = Pelo menos 12 caracteres. Uma frase de várias palavras é fácil de lembrar e difícil de adivinhar.
hint-phone = Só a moderação e a administração da plataforma podem vê-lo.
hint-confirm-password = A senha que você escolheu ao criar a conta.
hint-language = As páginas aparecem neste idioma quando você entra.
problem-forged-title = Este formulário não foi aceito
problem-forged-text = Ele não veio de uma página deste site, ou a página era antiga demais. Volte, recarregue a página e envie de novo.

## Acesso
sign-in-title = Entrar
sign-in-submit = Entrar
sign-in-no-account = Ainda não tem conta? Crie uma
sign-in-wrong = O e-mail ou a senha não estão corretos, ou a conta ainda não foi confirmada ou ativada.
sign-up-title = Criar conta
sign-up-intro = Crie uma conta para cadastrar sua iniciativa, participar de comunidades de prática e propor projetos conjuntos. Enviaremos um link ao seu endereço para confirmá-lo.
sign-up-submit = Criar conta
sign-up-have-account = Já tem conta? Entre
sign-up-received-title = Verifique seu e-mail
sign-up-received-text = Enviamos uma mensagem ao endereço informado. Abra o link e digite sua senha para ativar a conta. Se o endereço já tinha uma conta, a mensagem diz isso.
confirm-title = Confirme seu endereço
confirm-intro = Digite a senha que você escolheu ao criar a conta para ativá-la.
confirm-submit = Confirmar e ativar
confirm-refused = O link não está correto ou expirou, ou a senha não é a escolhida ao criar a conta.
activate-title = Ative sua conta
activate-intro = Escolha a senha da conta criada para você, com a chave de uso único que recebeu.
activate-submit = Ativar
activate-refused = O identificador ou a chave de uso único não estão corretos, expiraram, ou a conta já está ativa.
done-confirmed = Seu endereço está confirmado. Entre.
done-activated = Sua conta está ativa. Entre com a nova senha.
done-password = Sua senha mudou e todas as sessões foram encerradas. Entre com a nova senha.
done-everywhere = Você saiu em todos os dispositivos.
done-signed-out = Você saiu.
done-profile = Seu perfil foi salvo.
done-notifications = Suas preferências de e-mail foram salvas.

## A própria conta
account-title = Minha conta
account-heading = Minha conta
account-signed-in-as = Conectado como
account-roles = Papéis:
account-profile = Perfil e idioma
account-profile-save = Salvar perfil
account-mail = E-mail
account-mail-legend = Enviar-me um e-mail quando
account-mail-save = Salvar preferências de e-mail
account-password = Senha
account-password-note = Ao mudá-la, você sai em todos os dispositivos, inclusive neste.
account-password-save = Mudar a senha
account-sessions = Sessões
account-sessions-note = Se você entrou em um dispositivo que não usa mais, saia em todos.
account-sign-out-everywhere = Sair em todos os dispositivos
mail-kind-to-review = houver algo novo para revisar (moderação)
mail-kind-decision = meus envios forem aprovados ou rejeitados
mail-kind-invitation = uma iniciativa que gerencio for convidada para um projeto conjunto
mail-kind-partner-response = uma parceira responder sobre um projeto que lideramos
mail-kind-join-request = alguém pedir para entrar em uma comunidade que facilito
mail-kind-join-accepted = meu pedido para entrar em uma comunidade for aceito
role-member = membro
role-moderator = moderação
role-auditor = auditoria
role-admin = administração
