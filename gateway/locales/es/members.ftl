# Miembros y moderación, parte 2: el ciclo de vida de un proyecto, dejar comunidades, restaurar
# mensajes, los envíos propios a la biblioteca, los nombres de las personas.

## Personas
people-you = Tú
field-display-name-hint = Lo ven los miembros y moderadores con quienes trabajas en la plataforma (nunca los visitantes).
people-erased = Una persona cuyos datos fueron borrados

## Proyectos conjuntos: el ciclo de vida
collab-project-back = Volver al proyecto
collab-project-revise = Revisar el proyecto
collab-project-revise-title = Revisar el proyecto conjunto
collab-project-revise-heading = Revisar el proyecto conjunto
collab-project-revise-intro = Cambia lo que es el proyecto. El formulario muestra el proyecto tal como lo abriste: si alguien lo cambia mientras tanto, se te pedirá que lo mires de nuevo.
collab-project-changed = El proyecto cambió después de que abriste este formulario. Ahora muestra el proyecto tal como está: vuelve a hacer tus cambios y guarda.
collab-project-revise-save = Guardar la revisión
collab-project-activate = Iniciar el proyecto
collab-project-complete = Marcar el proyecto como completado
collab-project-withdraw = Retirar el proyecto
collab-project-withdraw-reason = Por qué retirarlo
collab-reason-optional = Opcional; hasta 1000 caracteres.
collab-invitation-decline-reason = Por qué rechazar (opcional)
collab-project-done-revised = El proyecto fue revisado.
collab-project-done-activated = El proyecto comenzó.
collab-project-done-completed = El proyecto está completado.
collab-project-done-withdrawn = El proyecto fue retirado.
error-collab-reason = Un motivo puede tener como máximo 1000 caracteres.

## Comunidades e hilos
collab-community-leave = Dejar la comunidad
collab-community-withdraw = Retirar mi solicitud
collab-community-done-left = Dejaste la comunidad.
collab-community-done-withdrawn = Tu solicitud fue retirada.
collab-request-decline-reason = Por qué rechazar (opcional)
collab-author-named-facilitator = { $name } (facilita)
collab-post-restore = Restaurar el mensaje
collab-thread-done-restored = El mensaje fue restaurado: todos lo ven de nuevo.

## El panel
collab-dashboard-submissions = Mis envíos a la biblioteca
collab-dashboard-no-submissions = Aún no enviaste nada a la biblioteca.
