# Textos del acceso y de la cuenta propia (español).

nav-account-label = Tu cuenta
nav-account = Mi cuenta
nav-sign-out = Cerrar sesión
nav-sign-in = Iniciar sesión
nav-sign-up = Crear cuenta

## Formularios
form-has-errors = Algunos campos necesitan revisión:
form-too-many = Demasiados intentos. Espera unos minutos y vuelve a intentarlo.
error-field = Revisa este valor.
error-email = Escribe un correo electrónico como nombre@ejemplo.org.
error-display-name = Escribe un nombre de 1 a 100 caracteres, en una sola línea.
error-password = Usa de 12 a 128 caracteres, que no sea una contraseña común ni la parte del nombre de tu correo.
error-new-password = Usa de 12 a 128 caracteres, que no sea una contraseña común ni la parte del nombre de tu correo.
error-current-password = Esta no es tu contraseña actual.
error-phone = Escribe de 7 a 15 dígitos, con un + inicial si quieres; se admiten espacios, guiones y paréntesis.
error-language = Elige uno de los idiomas ofrecidos.
field-email = Correo electrónico
field-password = Contraseña
field-new-password = Contraseña nueva
field-current-password = Contraseña actual
field-display-name = Tu nombre
field-phone = Teléfono (opcional)
field-language = Idioma de la plataforma y de sus correos
field-account-id = Identificador de la cuenta
field-secret = Clave de un solo uso
hint-password = Al menos 12 caracteres. Una frase de varias palabras es fácil de recordar y difícil de adivinar.
hint-phone = Solo lo ven las personas moderadoras y administradoras de la plataforma.
hint-confirm-password = La contraseña que elegiste al crear la cuenta.
hint-language = Las páginas se muestran en este idioma cuando inicias sesión.
problem-forged-title = No se aceptó este formulario
problem-forged-text = No vino de una página de este sitio, o la página era demasiado antigua. Vuelve atrás, recarga la página y envíalo de nuevo.

## Acceso
sign-in-title = Iniciar sesión
sign-in-submit = Iniciar sesión
sign-in-no-account = ¿Aún no tienes cuenta? Créala
sign-in-wrong = El correo o la contraseña no son correctos, o la cuenta aún no se ha confirmado o activado.
sign-up-title = Crear cuenta
sign-up-intro = Crea una cuenta para registrar tu iniciativa, participar en comunidades de práctica y proponer proyectos conjuntos. Enviaremos un enlace a tu dirección para confirmarla.
sign-up-submit = Crear cuenta
sign-up-have-account = ¿Ya tienes cuenta? Inicia sesión
sign-up-received-title = Revisa tu correo
sign-up-received-text = Enviamos un mensaje a la dirección indicada. Abre su enlace y escribe tu contraseña para activar la cuenta. Si la dirección ya tenía una cuenta, el mensaje lo dice.
confirm-title = Confirma tu dirección
confirm-intro = Escribe la contraseña que elegiste al crear la cuenta para activarla.
confirm-submit = Confirmar y activar
confirm-refused = El enlace no es correcto o ha caducado, o la contraseña no es la elegida al crear la cuenta.
activate-title = Activa tu cuenta
activate-intro = Elige la contraseña de la cuenta creada para ti, con la clave de un solo uso que recibiste.
activate-submit = Activar
activate-refused = El identificador o la clave de un solo uso no son correctos, han caducado, o la cuenta ya está activa.
done-confirmed = Tu dirección está confirmada. Inicia sesión.
done-activated = Tu cuenta está activa. Inicia sesión con tu contraseña nueva.
done-password = Tu contraseña cambió y se cerraron todas las sesiones. Inicia sesión con la contraseña nueva.
done-everywhere = Se cerró tu sesión en todos los dispositivos.
done-signed-out = Cerraste la sesión.
done-profile = Se guardó tu perfil.
done-notifications = Se guardaron tus preferencias de correo.

## La cuenta propia
account-title = Mi cuenta
account-heading = Mi cuenta
account-signed-in-as = Sesión iniciada como
account-roles = Roles:
account-profile = Perfil e idioma
account-profile-save = Guardar perfil
account-mail = Correo
account-mail-legend = Enviarme un correo cuando
account-mail-save = Guardar preferencias de correo
account-password = Contraseña
account-password-note = Al cambiarla se cierran las sesiones en todos los dispositivos, también en este.
account-password-save = Cambiar contraseña
account-sessions = Sesiones
account-sessions-note = Si iniciaste sesión en un dispositivo que ya no usas, ciérrala en todas partes.
account-sign-out-everywhere = Cerrar sesión en todas partes
mail-kind-to-review = haya algo nuevo que revisar (moderación)
mail-kind-decision = se aprueben o rechacen mis envíos
mail-kind-invitation = inviten a una iniciativa que gestiono a un proyecto conjunto
mail-kind-partner-response = una iniciativa socia responda sobre un proyecto que lideramos
mail-kind-join-request = alguien pida unirse a una comunidad que facilito
mail-kind-join-accepted = acepten mi solicitud para unirme a una comunidad
role-member = miembro
role-moderator = moderación
role-auditor = auditoría
role-admin = administración
