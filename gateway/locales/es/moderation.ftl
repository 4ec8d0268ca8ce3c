# Textos de la cola y la revisión de moderación, y de las páginas de perfil de quien gestiona (español).

moderation-title = Cola de moderación
moderation-heading = Cola de moderación
moderation-intro = Todo lo que espera a una persona moderadora, de lo más antiguo a lo más reciente. Reclame un elemento antes de revisarlo, para que las demás sepan que usted se ocupa; el reclamo vence a los 30 minutos.
moderation-filters = Filtrar la cola
moderation-filter-kind = Tipo
moderation-filter-country = País
moderation-filter-apply = Mostrar
moderation-all-kinds = Todos los tipos
moderation-all-countries = Todos los países
moderation-kind-count = { $kind } ({ $count })
moderation-total = { $count ->
    [one] Espera un elemento.
   *[other] Esperan { $shown } elementos.
}
moderation-empty = Aquí no hay nada esperando moderación.
moderation-caption = Elementos que esperan revisión, del más antiguo al más reciente
moderation-col-item = Elemento
moderation-col-kind = Tipo
moderation-col-country = País
moderation-col-age = Espera desde hace
moderation-col-claim = Revisión a cargo de
moderation-kind-initiative = Iniciativa nueva
moderation-kind-profile-change = Cambio de perfil
moderation-kind-joint-project = Proyecto conjunto
moderation-kind-publication = Publicación
moderation-kind-news = Noticia
moderation-kind-gathering = Encuentro
moderation-kind-management-request = Solicitud de gestión
moderation-kind-join-request = Solicitud de ingreso
moderation-age-minutes = { $count ->
    [one] 1 minuto
   *[other] { $shown } minutos
}
moderation-age-hours = { $count ->
    [one] 1 hora
   *[other] { $shown } horas
}
moderation-age-days = { $count ->
    [one] 1 día
   *[other] { $shown } días
}
moderation-claimed = Reclamado por { $who } hace { $age }
moderation-claim-you = usted
moderation-claim-other = la persona moderadora { $account }
moderation-claim = Reclamar
moderation-release = Liberar
moderation-claim-heading = Revisión a cargo de
moderation-unclaimed = Nadie ha reclamado este elemento.
moderation-claim-done = Ha reclamado este elemento por 30 minutos.
moderation-claim-taken = Otra persona moderadora reclamó este elemento antes. Aún puede leerlo.
moderation-done-approved = Aprobado. Ya salió de la cola.
moderation-done-rejected = Rechazado; se envió el motivo. Ya salió de la cola.
moderation-done-released = Se liberó su reclamo.
moderation-back = Volver a la cola
moderation-submission = Lo enviado
moderation-diff-heading = Cambio propuesto, junto al perfil aprobado
moderation-diff-field = Campo
moderation-diff-current = Aprobado ahora
moderation-diff-proposed = Propuesto
moderation-decision = Decisión
moderation-approve = Aprobar
moderation-reject = Rechazar
moderation-reason = Motivo del rechazo
moderation-reason-hint = Obligatorio para rechazar: quien lo envió lo lee y puede corregir lo que usted señale.
moderation-changed = Este elemento cambió después de que usted lo abrió. Vuelva a leerlo tal como está ahora, abajo, y luego decida.
moderation-settled = Este elemento ya no espera una decisión: alguien lo decidió o lo retiró mientras tanto.
moderation-not-yours = No puede decidir este elemento porque usted lo envió o gestiona aquello de lo que trata. Debe revisarlo otra persona moderadora.
moderation-requesters = Solicitado por (cuenta)
moderation-field-location = Ubicación (latitud, longitud)
moderation-field-governance = Órgano de gobierno
moderation-field-description = Descripción
moderation-field-objectives = Objetivos
moderation-field-lead = Iniciativa líder
moderation-field-partners = Iniciativas socias
moderation-field-summary = Resumen
moderation-field-when = Cuándo
moderation-field-where = Dónde
moderation-field-link = Enlace
moderation-field-author = Autoría (cuenta)
error-reason = Escriba el motivo del rechazo: de 1 a 1.000 caracteres.
nav-moderation = Moderación
dashboard-moderation = Moderación
dashboard-moderation-link = { $count ->
    [one] Cola de moderación: espera 1 elemento
   *[other] Cola de moderación: esperan { $shown } elementos
}

## La página de gestión de una iniciativa
manage-title = Gestionar «{ $name }»
manage-intro = Cambie el perfil abajo y guárdelo. En una iniciativa aprobada, los cambios de nombre, tipo, país, región o ubicación esperan a una persona moderadora; los demás campos cambian de inmediato.
manage-edit-heading = El perfil
manage-save = Guardar el perfil
manage-state-heading = Situación
manage-status = Revisión:
manage-change-rejected = Una persona moderadora rechazó el último cambio del perfil:
manage-last-confirmed = Datos confirmados por última vez el { $date }.
manage-never-confirmed = Los datos aún no se han confirmado.
manage-confirm = Confirmar que los datos siguen vigentes
manage-pending-heading = Cambio en espera de revisión
manage-pending-intro = Hasta que una persona moderadora lo decida, el mapa muestra el perfil aprobado.
manage-pending-proposed = En espera de revisión
manage-managers-heading = Personas gestoras
manage-you = { $account } (usted)
manage-remove = Quitar
manage-add = Agregar una persona gestora
manage-account = Id de cuenta de la nueva persona gestora
manage-account-hint = El id de cuenta de la persona, un UUID (la API se lo da en GET /v1/me, como `id`).
manage-account-error = Este no es el id de una cuenta activa que pueda gestionar la iniciativa.
manage-changed = La iniciativa cambió después de que usted abrió esta página. Abajo se muestra como está ahora; revísela e inténtelo de nuevo.
manage-refused = Esto no se puede hacer ahora: el estado de la iniciativa no lo permite (por ejemplo, ya hay otro cambio en espera de revisión).
manage-done-saved = Se guardó el perfil. Los cambios que requieren revisión se muestran junto al perfil aprobado hasta que una persona moderadora los decida.
manage-done-confirmed = Gracias: los datos quedan confirmados como vigentes hoy.
manage-done-added = Se agregó la persona gestora.
manage-done-removed = Se quitó la persona gestora.
manage-done-requested = Se envió su solicitud para gestionar la iniciativa; responderán sus personas gestoras o una persona moderadora.
manage-section = Gestión de esta iniciativa
manage-open = Gestionar esta iniciativa
manage-request-intro = ¿Participa en la conducción de esta iniciativa? Solicite ser una de sus personas gestoras.
manage-request = Solicitar gestionarla
problem-already-asked-title = Ya lo solicitó
problem-already-asked-text = Usted ya gestiona esta iniciativa o ya solicitó gestionarla; su solicitud espera respuesta.
