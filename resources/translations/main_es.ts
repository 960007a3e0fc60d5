<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es">
<context>
    <name>BoardTableModel</name>
    <message>
        <location filename="../../ui/models/board_model.py" line="23"/>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="24"/>
        <source>MRN</source>
        <translation>NHC</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="25"/>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="26"/>
        <source>Day</source>
        <translation>Día</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="28"/>
        <source>Phase</source>
        <translation>Fase</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="29"/>
        <source>Alerts</source>
        <translation>Alertas</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="30"/>
        <source>Due today</source>
        <translation>Para hoy</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="31"/>
        <source>Overdue</source>
        <translation>Atrasado</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="32"/>
        <source>Coordinator</source>
        <translation>Coordinador/a</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="116"/>
        <source>Why: {rule}</source>
        <translation>Por qué: {rule}</translation>
    </message>
</context>
<context>
    <name>BoardView</name>
    <message>
        <location filename="../../ui/widgets/board_view.py" line="330"/>
        <source>Search name or MRN (Ctrl+F)</source>
        <translation>Buscar nombre o NHC (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/board_view.py" line="332"/>
        <source>Search patients by name or MRN</source>
        <translation>Buscar pacientes por nombre o NHC</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/board_view.py" line="334"/>
        <source>Filter by coordinator</source>
        <translation>Filtrar por coordinador/a</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/board_view.py" line="336"/>
        <source>Filter by phase</source>
        <translation>Filtrar por fase</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/board_view.py" line="337"/>
        <source>Due this wee&amp;k</source>
        <translation>Para esta &amp;semana</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/board_view.py" line="338"/>
        <source>&amp;Overdue only</source>
        <translation>Solo atrasa&amp;dos</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/board_view.py" line="347"/>
        <source>Clinic board</source>
        <translation>Tablero de la clínica</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/board_view.py" line="364"/>
        <source>Coordinator</source>
        <translation>Coordinador/a</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/board_view.py" line="366"/>
        <source>Phase</source>
        <translation>Fase</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/board_view.py" line="492"/>
        <source>All</source>
        <translation>Todos</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/board_view.py" line="558"/>
        <source>{shown} of {total}</source>
        <translation>{shown} de {total}</translation>
    </message>
    <message>
        <source>C&amp;losed transplants</source>
        <translation>Trasplantes &amp;cerrados</translation>
    </message>
    <message>
        <source>Also list the completed, cancelled and deceased transplants.</source>
        <translation>Mostrar también los trasplantes completados, cancelados y de pacientes fallecidos.</translation>
    </message>
    <message>
        <source>{shown} of {total}, with {found} closed (type more to find others)</source>
        <translation>{shown} de {total}, con {found} cerrados (escriba más para encontrar otros)</translation>
    </message>
    <message>
        <source>{shown} of {total}, with {found} closed</source>
        <translation>{shown} de {total}, con {found} cerrados</translation>
    </message>
</context>
<context>
    <name>ChangeCommand</name>
    <message>
        <location filename="../../ui/commands.py" line="79"/>
        <source>Could not undo &apos;{change}&apos;: {reason}</source>
        <translation>No se pudo deshacer «{change}»: {reason}</translation>
    </message>
    <message>
        <location filename="../../ui/commands.py" line="81"/>
        <source>Could not redo &apos;{change}&apos;: {reason}</source>
        <translation>No se pudo rehacer «{change}»: {reason}</translation>
    </message>
    <message>
        <location filename="../../ui/commands.py" line="82"/>
        <source>&apos;{change}&apos; is still being undone; try again in a moment.</source>
        <translation>«{change}» todavía se está deshaciendo; inténtelo de nuevo en un momento.</translation>
    </message>
    <message>
        <location filename="../../ui/commands.py" line="86"/>
        <source>&apos;{change}&apos; is still being redone; try again in a moment.</source>
        <translation>«{change}» todavía se está rehaciendo; inténtelo de nuevo en un momento.</translation>
    </message>
    <message>
        <location filename="../../ui/commands.py" line="135"/>
        <source>Undoing &apos;{change}&apos;...</source>
        <translation>Deshaciendo «{change}»...</translation>
    </message>
    <message>
        <location filename="../../ui/commands.py" line="137"/>
        <source>Redoing &apos;{change}&apos;...</source>
        <translation>Rehaciendo «{change}»...</translation>
    </message>
    <message>
        <location filename="../../ui/commands.py" line="153"/>
        <source>Undone: &apos;{change}&apos;.</source>
        <translation>Deshecho: «{change}».</translation>
    </message>
    <message>
        <location filename="../../ui/commands.py" line="157"/>
        <source>Redone: &apos;{change}&apos;.</source>
        <translation>Rehecho: «{change}».</translation>
    </message>
</context>
<context>
    <name>ClinicSession</name>
    <message>
        <location filename="../../ui/session.py" line="66"/>
        <source>The view of this patient could not be recorded yet; it will be recorded when the database can be written.</source>
        <translation>La consulta de este paciente aún no se ha podido registrar; se registrará cuando se pueda escribir en la base de datos.</translation>
    </message>
    <message>
        <location filename="../../ui/session.py" line="71"/>
        <source>The patient views that were waiting are now recorded in the audit trail.</source>
        <translation>Las consultas de pacientes que estaban pendientes ya constan en el registro de auditoría.</translation>
    </message>
    <message>
        <source>Your sign-in could not be recorded in the audit trail ({reason}); tell whoever keeps it.</source>
        <translation>Su inicio de sesión no se pudo registrar en el registro de auditoría ({reason}); avise a quien lo mantiene.</translation>
    </message>
    <message>
        <source>The closed transplants could not be read: {reason}</source>
        <translation>No se pudieron leer los trasplantes cerrados: {reason}</translation>
    </message>
    <message>
        <source>the database did not answer. Untick and tick the box to try again.</source>
        <translation>la base de datos no respondió. Desmarque y vuelva a marcar la casilla para intentarlo de nuevo.</translation>
    </message>
    <message>
        <source>The closed transplants could not be searched: {reason}</source>
        <translation>No se pudieron buscar los trasplantes cerrados: {reason}</translation>
    </message>
    <message>
        <source>the database did not answer. Type the search again to retry.</source>
        <translation>la base de datos no respondió. Escriba la búsqueda de nuevo para reintentar.</translation>
    </message>
    <message>
        <source>The clinic could not be reloaded: {reason} Press F5 to try again.</source>
        <translation>No se pudo volver a cargar la clínica: {reason} Pulse F5 para intentarlo de nuevo.</translation>
    </message>
    <message>
        <source>A change saved at another workstation could not be read: {reason} Press F5 to read the clinic again.</source>
        <translation>No se pudo leer un cambio guardado en otro puesto: {reason} Pulse F5 para volver a leer la clínica.</translation>
    </message>
</context>
<context>
    <name>ClinicTimeline</name>
    <message>
        <location filename="../../ui/widgets/clinic_timeline.py" line="281"/>
        <source>Clinic timeline</source>
        <translation>Cronograma de la clínica</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/clinic_timeline.py" line="283"/>
        <source>One row per patient. Up and Down select, Enter opens, plus and minus zoom.</source>
        <translation>Una fila por paciente. Arriba y Abajo seleccionan, Intro abre, más y menos amplían o reducen.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/clinic_timeline.py" line="472"/>
        <source>no plan yet</source>
        <translation>aún sin plan</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/clinic_timeline.py" line="696"/>
        <source>{count} patients</source>
        <translation>{count} pacientes</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/clinic_timeline.py" line="709"/>
        <source>Today</source>
        <translation>Hoy</translation>
    </message>
    <message>
        <source>Loading the clinic...</source>
        <translation>Cargando la clínica...</translation>
    </message>
</context>
<context>
    <name>DateField</name>
    <message>
        <location filename="../../ui/widgets/date_field.py" line="99"/>
        <source>“{text}” must be YYYY-MM-DD (year-month-day, e.g. 2026-12-13).</source>
        <translation>«{text}» debe ser AAAA-MM-DD (año-mes-día, p. ej. 2026-12-13).</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/date_field.py" line="105"/>
        <source>{text} is not a real date.</source>
        <translation>{text} no es una fecha real.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/date_field.py" line="116"/>
        <source>{text} is {reason}.</source>
        <translation>{text} es {reason}.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/date_field.py" line="123"/>
        <source>Enter a date as YYYY-MM-DD.</source>
        <translation>Escriba una fecha como AAAA-MM-DD.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/date_field.py" line="231"/>
        <source>YYYY-MM-DD</source>
        <translation>AAAA-MM-DD</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/date_field.py" line="232"/>
        <source>Type the date as YYYY-MM-DD, or pick it (Alt+Down).</source>
        <translation>Escriba la fecha como AAAA-MM-DD o elíjala (Alt+Abajo).</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/date_field.py" line="238"/>
        <source>Pick the date from a calendar (Alt+Down)</source>
        <translation>Elegir la fecha en un calendario (Alt+Abajo)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/date_field.py" line="269"/>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/date_field.py" line="317"/>
        <source>Pick {name} from a calendar</source>
        <translation>Elegir {name} en un calendario</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/date_field.py" line="319"/>
        <source>{name} in words</source>
        <translation>{name} en palabras</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/date_field.py" line="320"/>
        <source>Error for {name}</source>
        <translation>Error en {name}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/date_field.py" line="383"/>
        <source>Type the date as YYYY-MM-DD.</source>
        <translation>Escriba la fecha como AAAA-MM-DD.</translation>
    </message>
</context>
<context>
    <name>DateFieldDelegate</name>
    <message>
        <location filename="../../ui/widgets/date_field.py" line="474"/>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/date_field.py" line="476"/>
        <source>Enter a date.</source>
        <translation>Escriba una fecha.</translation>
    </message>
</context>
<context>
    <name>GuideDialog</name>
    <message>
        <location filename="../../ui/help.py" line="47"/>
        <source>Transplant Planner: user guide</source>
        <translation>Transplant Planner: guía del usuario</translation>
    </message>
    <message>
        <location filename="../../ui/help.py" line="50"/>
        <source>User guide</source>
        <translation>Guía del usuario</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="182"/>
        <source>Transplant Planner - DEMO CLINIC</source>
        <translation>Transplant Planner - CLÍNICA DE DEMOSTRACIÓN</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="187"/>
        <source>Clinic timeline</source>
        <translation>Cronograma de la clínica</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="214"/>
        <source>DEMO CLINIC: synthetic patients, not real data</source>
        <translation>CLÍNICA DE DEMOSTRACIÓN: pacientes ficticios, no son datos reales</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="232"/>
        <source>This clinic database has no patients yet.</source>
        <translation>Esta base de datos de la clínica aún no tiene pacientes.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="234"/>
        <source>Load the de&amp;mo clinic</source>
        <translation>Cargar la clínica de de&amp;mostración</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="237"/>
        <source>Add the first &amp;patient</source>
        <translation>Añadir el pr&amp;imer paciente</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="256"/>
        <source>Today&apos;s worklist</source>
        <translation>Lista de trabajo de hoy</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="260"/>
        <source>&amp;Print worklist...</source>
        <translation>&amp;Imprimir lista de trabajo...</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="282"/>
        <source>Done</source>
        <translation>Hecho</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="321"/>
        <source>{action}: open a patient first.</source>
        <translation>{action}: abra antes un paciente.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="344"/>
        <source>Main</source>
        <translation>Principal</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="370"/>
        <source>The language will change the next time Transplant Planner starts.</source>
        <translation>El idioma cambiará la próxima vez que se inicie Transplant Planner.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="430"/>
        <source>Centre settings: {problem}</source>
        <translation>Configuración del centro: {problem}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="447"/>
        <source>Opening the clinic database... one moment.</source>
        <translation>Abriendo la base de datos de la clínica... un momento.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="461"/>
        <source>The clinic could not be loaded: {reason} Press F5 to try again.</source>
        <translation>No se pudo cargar la clínica: {reason} Pulse F5 para volver a intentarlo.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="475"/>
        <source>1 active transplant</source>
        <translation>1 trasplante activo</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="477"/>
        <source>{count} active transplants</source>
        <translation>{count} trasplantes activos</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="479"/>
        <source>{active} - today {date}</source>
        <translation>{active} - hoy {date}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="484"/>
        <source>{summary} - opening the clinic database...</source>
        <translation>{summary} - abriendo la base de datos de la clínica...</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="517"/>
        <source>Loading the clinic...</source>
        <translation>Cargando la clínica...</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="685"/>
        <location filename="../../ui/main_window.py" line="715"/>
        <source>Patient {mrn} saved.</source>
        <translation>Paciente {mrn} guardado.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="692"/>
        <source>Open a patient to edit their details.</source>
        <translation>Abra un paciente para editar sus datos.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="724"/>
        <source>Open a patient first, or create a new patient.</source>
        <translation>Abra antes un paciente o cree uno nuevo.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="765"/>
        <source>The demo clinic can only be loaded into an empty database.</source>
        <translation>La clínica de demostración solo se puede cargar en una base de datos vacía.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="770"/>
        <source>Load the demo clinic?</source>
        <translation>¿Cargar la clínica de demostración?</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="772"/>
        <source>Add 14 synthetic demo patients to this empty database? Use it for training only; for real work start a new, empty database.</source>
        <translation>¿Añadir 14 pacientes ficticios de demostración a esta base de datos vacía? Úsela solo para formación; para el trabajo real empiece con una base de datos nueva y vacía.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="780"/>
        <source>Loaded {count} demo patients.</source>
        <translation>Se cargaron {count} pacientes de demostración.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="810"/>
        <source>{step} marked done for {mrn}.</source>
        <translation>{step} marcado como hecho para {mrn}.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="819"/>
        <source>Worklist {date}</source>
        <translation>Lista de trabajo {date}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="831"/>
        <source>Open a patient to print or export documents.</source>
        <translation>Abra un paciente para imprimir o exportar documentos.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="906"/>
        <source>Clinic board {date}: {shown} of {total} active transplants</source>
        <translation>Tablero de la clínica {date}: {shown} de {total} trasplantes activos</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/main_window.py" line="948"/>
        <source>Printed %n page(s) of the board.</source>
        <translation>
            <numerusform>Se imprimió %n página del tablero.</numerusform>
            <numerusform>Se imprimieron %n páginas del tablero.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="951"/>
        <source>Nothing of the board was printed (no page chosen, or the printer failed).</source>
        <translation>No se imprimió nada del tablero: no se eligió ninguna página o falló la impresora.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="973"/>
        <source>Backup written and verified: {file}</source>
        <translation>Copia de seguridad escrita y verificada: {file}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="976"/>
        <source>This database is not a file here; back it up where it is kept (its server).</source>
        <translation>Esta base de datos no es un archivo de este equipo; haga la copia donde se guarda (en su servidor).</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="985"/>
        <source>FILE</source>
        <translation>ARCHIVO</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="986"/>
        <source>the backups folder beside the database</source>
        <translation>la carpeta de copias de seguridad junto a la base de datos</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="990"/>
        <source>To restore a backup, close Transplant Planner on every workstation, then run:

{command}

with BACKUP one of the planner-....db files in {folder}. The backup is verified first, the current database is kept aside (never deleted) and the restore is recorded in the audit trail.</source>
        <translation>Para restaurar una copia de seguridad, cierre Transplant Planner en todos los puestos y ejecute:

{command}

donde BACKUP es uno de los archivos planner-....db de {folder}. Primero se verifica la copia, la base de datos actual se guarda aparte (nunca se borra) y la restauración queda en el registro de auditoría.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1005"/>
        <source>This installation has no user guide; it is docs/user-guide.md in the program&apos;s source.</source>
        <translation>Esta instalación no incluye la guía del usuario; es docs/user-guide.md en el código fuente del programa.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1018"/>
        <source>About Transplant Planner</source>
        <translation>Acerca de Transplant Planner</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1030"/>
        <source>Restore from backup</source>
        <translation>Restaurar desde una copia de seguridad</translation>
    </message>
    <message>
        <source>Open a patient to edit their transplant record.</source>
        <translation>Abra un paciente para editar el registro de su trasplante.</translation>
    </message>
    <message>
        <source>Transplant record saved.</source>
        <translation>Registro del trasplante guardado.</translation>
    </message>
    <message>
        <source>Transplant record saved: {status}, off the board (tick Closed transplants to list it).</source>
        <translation>Registro del trasplante guardado: {status}, fuera del tablero (marque Trasplantes cerrados para verlo).</translation>
    </message>
    <message>
        <source>{summary} - loading the clinic...</source>
        <translation>{summary} - cargando la clínica...</translation>
    </message>
    <message>
        <source>Also open: {others}</source>
        <translation>También abierto por: {others}</translation>
    </message>
    <message>
        <source>Updated just now by {user} at {workstation}.</source>
        <translation>Actualizado ahora mismo por {user} en {workstation}.</translation>
    </message>
    <message>
        <source>Open a patient to see the audit trail of their record.</source>
        <translation>Abra un paciente para ver la auditoría de su historia.</translation>
    </message>
    <message>
        <source>Signed in: {who}</source>
        <translation>Sesión iniciada: {who}</translation>
    </message>
        <message>
        <source>Your password was changed.</source>
        <translation>Su contraseña se ha cambiado.</translation>
    </message>
    <message>
        <source>This clinic database has no accounts, so no one is signed in (File &gt; Accounts adds the first).</source>
        <translation>Esta base de datos de la clínica no tiene cuentas, así que nadie ha iniciado sesión (Archivo &gt; Cuentas añade la primera).</translation>
    </message>
    <message>
        <source>Sign in to open the clinic.</source>
        <translation>Inicie sesión para abrir la clínica.</translation>
    </message>
    <message>
        <source>Saved {name}.</source>
        <translation>Guardado {name}.</translation>
    </message>
</context>
<context>
    <name>MonthCalendar</name>
    <message>
        <location filename="../../ui/widgets/month_calendar.py" line="100"/>
        <source>Previous month (Page Up)</source>
        <translation>Mes anterior (Re Pág)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/month_calendar.py" line="101"/>
        <source>Next month (Page Down)</source>
        <translation>Mes siguiente (Av Pág)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/month_calendar.py" line="102"/>
        <source>Previous month</source>
        <translation>Mes anterior</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/month_calendar.py" line="103"/>
        <source>Next month</source>
        <translation>Mes siguiente</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/month_calendar.py" line="105"/>
        <source>Today</source>
        <translation>Hoy</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/month_calendar.py" line="106"/>
        <source>Go to today</source>
        <translation>Ir a hoy</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/month_calendar.py" line="111"/>
        <source>Plan month calendar</source>
        <translation>Calendario mensual del plan</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/month_calendar.py" line="204"/>
        <source>no steps</source>
        <translation>sin pasos</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/month_calendar.py" line="206"/>
        <source>{date}, today</source>
        <translation>{date}, hoy</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/month_calendar.py" line="257"/>
        <source>{month}. Selected: {cell}</source>
        <translation>{month}. Seleccionado: {cell}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/month_calendar.py" line="352"/>
        <source>+{count} more</source>
        <translation>+{count} más</translation>
    </message>
</context>
<context>
    <name>PatientWorkspace</name>
    <message>
        <location filename="../../ui/patient_workspace.py" line="111"/>
        <source>Patient summary</source>
        <translation>Resumen del paciente</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="130"/>
        <source>Plan steps</source>
        <translation>Pasos del plan</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="159"/>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="235"/>
        <source>{name}   MRN {mrn}   Day 0 {day0}</source>
        <translation>{name}   NHC {mrn}   Día 0 {day0}</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="293"/>
        <source>timeline</source>
        <translation>cronograma</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="294"/>
        <source>calendar</source>
        <translation>calendario</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="295"/>
        <source>checklists</source>
        <translation>listas de verificación</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="298"/>
        <source>Printed 1 page of the {what}.</source>
        <translation>Se imprimió 1 página ({what}).</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="300"/>
        <source>Printed {pages} pages of the {what}.</source>
        <translation>Se imprimieron {pages} páginas ({what}).</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="302"/>
        <source>Nothing of the {what} was printed (no page chosen, or the printer failed).</source>
        <translation>No se imprimió nada ({what}): no se eligió ninguna página o falló la impresora.</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="361"/>
        <source>Dose: {dose}: {why}</source>
        <translation>Dosis: {dose}: {why}</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="366"/>
        <source>Plan check ({severity}): {sentence}</source>
        <translation>Comprobación del plan ({severity}): {sentence}</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="390"/>
        <source>{name}   MRN {mrn}   born {born} (age {age})   {type} {source}   Day 0 {day0}   today {day} ({phase})</source>
        <translation>{name}   NHC {mrn}   nacimiento {born} ({age} años)   {type} {source}   Día 0 {day0}   hoy {day} ({phase})</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="404"/>
        <source>! High alerts: {alerts}</source>
        <translation>! Alertas altas: {alerts}</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="408"/>
        <source>HIGH: {alert}
    Why: {rule}</source>
        <translation>ALTA: {alert}
    Por qué: {rule}</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="413"/>
        <source>ANC engraftment</source>
        <translation>Injerto de neutrófilos</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="422"/>
        <source>{documents}: print a new one.</source>
        <translation>{documents}: imprima uno nuevo.</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="467"/>
        <source>This plan has no anchor besides Day 0 (use Move Day 0).</source>
        <translation>Este plan no tiene más fecha de referencia que el Día 0 (use Mover el Día 0).</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="474"/>
        <source>The anchor was not set: the other workstation&apos;s plan was kept.</source>
        <translation>No se fijó la fecha de referencia: se mantuvo el plan del otro puesto.</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="475"/>
        <source>{anchor} set to {date}; {count} dates changed.</source>
        <translation>{anchor}: fijada el {date}; {count} fechas cambiadas.</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="506"/>
        <source>Day 0 was not moved: the other workstation&apos;s plan was kept.</source>
        <translation>No se movió el Día 0: se mantuvo el plan del otro puesto.</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="507"/>
        <source>Day 0 moved to {date}; {count} dates changed.</source>
        <translation>Día 0 movido al {date}; {count} fechas cambiadas.</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="524"/>
        <location filename="../../ui/patient_workspace.py" line="568"/>
        <source>Move a regimen step?</source>
        <translation>¿Mover un paso del esquema?</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="526"/>
        <source>{step} is tied to its day relative to Day 0 by the regimen. Move it {days} anyway?</source>
        <translation>El esquema fija {step} en su día respecto al Día 0. ¿Moverlo {days} de todos modos?</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="537"/>
        <source>{step}: {count} date(s) moved by {delta} days.</source>
        <translation>{step}: {count} fecha(s) movida(s) {delta} días.</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="546"/>
        <source>1 day later</source>
        <translation>1 día más tarde</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="546"/>
        <source>{n} days later</source>
        <translation>{n} días más tarde</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="547"/>
        <source>1 day earlier</source>
        <translation>1 día antes</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="547"/>
        <source>{n} days earlier</source>
        <translation>{n} días antes</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="562"/>
        <source>this occurrence</source>
        <translation>esta fecha</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="564"/>
        <source>these {count} occurrences</source>
        <translation>estas {count} fechas</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="570"/>
        <source>{step} is tied to its day relative to Day 0 by the regimen. Move {what} {days} anyway?</source>
        <translation>El esquema fija {step} en su día respecto al Día 0. ¿Mover {what} {days} de todos modos?</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="584"/>
        <source>{step}: {count} date(s) moved by {delta} days; the rest of the series stays (Ctrl+drag or Ctrl+Shift+arrow moves the whole series).</source>
        <translation>{step}: {count} fecha(s) movida(s) {delta} días; el resto de la serie no cambia (Ctrl+arrastrar o Ctrl+Mayús+flecha mueve toda la serie).</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="643"/>
        <source>Skip</source>
        <translation>Omitir</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="644"/>
        <source>Why is {step} skipped?</source>
        <translation>¿Por qué se omite {step}?</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="660"/>
        <source>Cancel step</source>
        <translation>Cancelar el paso</translation>
    </message>
    <message>
        <location filename="../../ui/patient_workspace.py" line="662"/>
        <source>Why is {step} cancelled? Occurrences already done or skipped keep their record.</source>
        <translation>¿Por qué se cancela {step}? Las fechas ya hechas u omitidas conservan su registro.</translation>
    </message>
</context>
<context>
    <name>PlanTimeline</name>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="148"/>
        <source>Mark done...</source>
        <translation>Marcar como hecho...</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="149"/>
        <source>Skip...</source>
        <translation>Omitir...</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="150"/>
        <source>Add note...</source>
        <translation>Añadir nota...</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="151"/>
        <source>Cancel the whole step...</source>
        <translation>Cancelar todo el paso...</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="152"/>
        <source>Plan the whole step again</source>
        <translation>Volver a planificar todo el paso</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="153"/>
        <source>Undo the done or skip record</source>
        <translation>Deshacer el registro de hecho u omitido</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="154"/>
        <source>Open step...</source>
        <translation>Abrir el paso...</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="169"/>
        <source>Complications</source>
        <translation>Complicaciones</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="273"/>
        <source>Scroll timeline in time</source>
        <translation>Desplazar el cronograma en el tiempo</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="274"/>
        <source>Scroll timeline lanes</source>
        <translation>Desplazar las filas del cronograma</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="280"/>
        <source>Plan timeline</source>
        <translation>Cronograma del plan</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="281"/>
        <location filename="../../ui/widgets/plan_timeline.py" line="696"/>
        <source>No plan loaded.</source>
        <translation>No hay ningún plan cargado.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="352"/>
        <source>Day 0</source>
        <translation>Día 0</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="353"/>
        <source>Today</source>
        <translation>Hoy</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="425"/>
        <source>{start} to {end} ({days} days)</source>
        <translation>{start} a {end} ({days} días)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="432"/>
        <source>Status: {status}</source>
        <translation>Estado: {status}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="440"/>
        <source>Order: {order}</source>
        <translation>Pauta: {order}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="444"/>
        <source>Tied to Day 0 by the regimen</source>
        <translation>Fijado al Día 0 por el esquema</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="698"/>
        <source>{bars} bars in {lanes} phase lanes.</source>
        <translation>{bars} barras en {lanes} filas de fase.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="702"/>
        <source>Complications: {episodes}.</source>
        <translation>Complicaciones: {episodes}.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="709"/>
        <source>Events: {events}.</source>
        <translation>Eventos: {events}.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="713"/>
        <source>Selected: {step}, {occurrence}, {date}, {status}.</source>
        <translation>Seleccionado: {step}, {occurrence}, {date}, {status}.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="734"/>
        <source>&apos;{step}&apos; is {status} on these dates; recorded occurrences keep their dates (undo the record to move it).</source>
        <translation>«{step}» está {status} en estas fechas; las fechas registradas se mantienen (deshaga el registro para moverlo).</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="804"/>
        <source>Actions for {step}, {occurrence}</source>
        <translation>Acciones para {step}, {occurrence}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="966"/>
        <source>{delta} d</source>
        <translation>{delta} d</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="1043"/>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="1044"/>
        <source>Day</source>
        <translation>Día</translation>
    </message>
    <message>
        <source>Window: {first} to {last}</source>
        <translation>Ventana: {first} a {last}</translation>
    </message>
</context>
<context>
    <name>StepTableModel</name>
    <message>
        <location filename="../../ui/models/step_table_model.py" line="43"/>
        <source>Day</source>
        <translation>Día</translation>
    </message>
    <message>
        <location filename="../../ui/models/step_table_model.py" line="44"/>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <location filename="../../ui/models/step_table_model.py" line="45"/>
        <source>Phase</source>
        <translation>Fase</translation>
    </message>
    <message>
        <location filename="../../ui/models/step_table_model.py" line="46"/>
        <source>Step</source>
        <translation>Paso</translation>
    </message>
    <message>
        <location filename="../../ui/models/step_table_model.py" line="47"/>
        <source>Dose</source>
        <translation>Dosis</translation>
    </message>
    <message>
        <location filename="../../ui/models/step_table_model.py" line="48"/>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location filename="../../ui/models/step_table_model.py" line="49"/>
        <source>Note</source>
        <translation>Nota</translation>
    </message>
    <message>
        <location filename="../../ui/models/step_table_model.py" line="169"/>
        <source>Planned {date}</source>
        <translation>Previsto el {date}</translation>
    </message>
    <message>
        <location filename="../../ui/models/step_table_model.py" line="202"/>
        <source>“{value}” is not a date: enter it as YYYY-MM-DD.</source>
        <translation>«{value}» no es una fecha: escríbala como AAAA-MM-DD.</translation>
    </message>
</context>
<context>
    <name>TransplantSession</name>
    <message>
        <location filename="../../ui/transplant_session.py" line="202"/>
        <source>The change was not saved: {reason}</source>
        <translation>El cambio no se guardó: {reason}</translation>
    </message>
    <message>
        <source>A change saved at another workstation could not be read: {reason}</source>
        <translation>No se pudo leer un cambio guardado en otro puesto: {reason}</translation>
    </message>
</context>
<context>
    <name>WorklistModel</name>
    <message>
        <location filename="../../ui/models/worklist_model.py" line="24"/>
        <source>Done</source>
        <translation>Hecho</translation>
    </message>
    <message>
        <location filename="../../ui/models/worklist_model.py" line="25"/>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <location filename="../../ui/models/worklist_model.py" line="26"/>
        <source>MRN</source>
        <translation>NHC</translation>
    </message>
    <message>
        <location filename="../../ui/models/worklist_model.py" line="27"/>
        <source>Day</source>
        <translation>Día</translation>
    </message>
    <message>
        <location filename="../../ui/models/worklist_model.py" line="28"/>
        <source>Step</source>
        <translation>Paso</translation>
    </message>
    <message>
        <location filename="../../ui/models/worklist_model.py" line="29"/>
        <source>Planned</source>
        <translation>Previsto</translation>
    </message>
    <message>
        <location filename="../../ui/models/worklist_model.py" line="30"/>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location filename="../../ui/models/worklist_model.py" line="118"/>
        <source>OVERDUE</source>
        <translation>ATRASADO</translation>
    </message>
    <message>
        <location filename="../../ui/models/worklist_model.py" line="120"/>
        <source>due today</source>
        <translation>para hoy</translation>
    </message>
</context>
<context>
    <name>_CalendarPopup</name>
    <message>
        <location filename="../../ui/widgets/date_field.py" line="177"/>
        <source>Calendar</source>
        <translation>Calendario</translation>
    </message>
</context>
<context>
    <name>actions</name>
    <message>
        <location filename="../../ui/actions.py" line="105"/>
        <source>&amp;New patient...</source>
        <translation>&amp;Nuevo paciente...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="109"/>
        <source>&amp;Open selected patient</source>
        <translation>&amp;Abrir el paciente seleccionado</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="115"/>
        <source>&amp;Close patient tab</source>
        <translation>&amp;Cerrar la pestaña del paciente</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="121"/>
        <source>Print / e&amp;xport...</source>
        <translation>Imprimir / e&amp;xportar...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="124"/>
        <source>Preview, save or print the current patient&apos;s documents</source>
        <translation>Ver, guardar o imprimir los documentos del paciente actual</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="128"/>
        <source>&amp;Print worklist...</source>
        <translation>&amp;Imprimir lista de trabajo...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="136"/>
        <source>Print bo&amp;ard...</source>
        <translation>Imprimir el &amp;tablero...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="139"/>
        <source>Print the board&apos;s rows as filtered and sorted</source>
        <translation>Imprimir las filas del tablero tal como están filtradas y ordenadas</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="143"/>
        <source>Reload &amp;demo patients</source>
        <translation>Volver a cargar los pacientes de &amp;demostración</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="146"/>
        <source>&amp;Back up now</source>
        <translation>Hacer copia de &amp;seguridad ahora</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="149"/>
        <source>Write a verified backup of the clinic database into its backups folder</source>
        <translation>Escribir una copia de seguridad verificada de la base de datos de la clínica en su carpeta de copias</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="157"/>
        <source>&amp;Restore from backup...</source>
        <translation>&amp;Restaurar desde una copia de seguridad...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="161"/>
        <source>How to put a verified backup back in place</source>
        <translation>Cómo volver a poner en su sitio una copia de seguridad verificada</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="166"/>
        <source>&amp;Quit</source>
        <translation>Sa&amp;lir</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="169"/>
        <source>&amp;Undo</source>
        <translation>&amp;Deshacer</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="173"/>
        <source>&amp;Redo</source>
        <translation>&amp;Rehacer</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="180"/>
        <source>&amp;Find patient</source>
        <translation>&amp;Buscar paciente</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="187"/>
        <source>&amp;Edit patient...</source>
        <translation>&amp;Editar paciente...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="193"/>
        <source>New &amp;plan...</source>
        <translation>Nuevo &amp;plan...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="198"/>
        <source>Move &amp;Day 0...</source>
        <translation>Mover el &amp;Día 0...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="203"/>
        <source>Set &amp;anchor date...</source>
        <translation>Fijar la fecha de &amp;referencia...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="211"/>
        <source>Print &amp;timeline...</source>
        <translation>Imprimir el &amp;cronograma...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="218"/>
        <source>Print ca&amp;lendar...</source>
        <translation>Imprimir el ca&amp;lendario...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="225"/>
        <source>Print chec&amp;klists...</source>
        <translation>Imprimir las listas de &amp;verificación...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="232"/>
        <location filename="../../ui/actions.py" line="373"/>
        <source>&amp;Board</source>
        <translation>&amp;Tablero</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="239"/>
        <source>&amp;Today</source>
        <translation>&amp;Hoy</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="246"/>
        <source>Re&amp;gistry forms due...</source>
        <translation>Formularios del re&amp;gistro...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="253"/>
        <source>Zoom &amp;in</source>
        <translation>&amp;Ampliar</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="260"/>
        <source>Zoom &amp;out</source>
        <translation>&amp;Reducir</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="265"/>
        <source>&amp;Fit</source>
        <translation>A&amp;justar</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="269"/>
        <source>&amp;Refresh</source>
        <translation>Act&amp;ualizar</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="276"/>
        <source>&amp;User guide</source>
        <translation>&amp;Guía del usuario</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="283"/>
        <source>&amp;About Transplant Planner</source>
        <translation>A&amp;cerca de Transplant Planner</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="294"/>
        <source>Help</source>
        <translation>Ayuda</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="298"/>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="315"/>
        <source>&amp;Edit</source>
        <translation>&amp;Editar</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="318"/>
        <source>Patie&amp;nt</source>
        <translation>&amp;Paciente</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="333"/>
        <location filename="../../ui/actions.py" line="355"/>
        <source>Vie&amp;w</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="354"/>
        <source>&amp;Language</source>
        <translation>&amp;Idioma</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="374"/>
        <source>To&amp;day</source>
        <translation>&amp;Hoy</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="380"/>
        <source>&amp;Timeline</source>
        <translation>&amp;Cronograma</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="381"/>
        <source>Ca&amp;lendar</source>
        <translation>Calen&amp;dario</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="382"/>
        <source>&amp;Steps</source>
        <translation>Pa&amp;sos</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="383"/>
        <source>C&amp;hecklists</source>
        <translation>&amp;Listas de verificación</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="384"/>
        <source>Com&amp;plications</source>
        <translation>Complicacio&amp;nes</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="385"/>
        <source>Har&amp;vest</source>
        <translation>&amp;Recolección</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="386"/>
        <source>Co&amp;unts</source>
        <translation>Recuent&amp;os</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="387"/>
        <source>Plan chec&amp;ks</source>
        <translation>Compro&amp;baciones del plan</translation>
    </message>
    <message>
        <source>T&amp;ransplant record...</source>
        <translation>Registro del &amp;trasplante...</translation>
    </message>
    <message>
        <source>Number, graft, donor and status of the open transplant, with its history</source>
        <translation>Número, injerto, donante y estado del trasplante abierto, con su historial</translation>
    </message>
    <message>
        <source>&amp;Infusion record...</source>
        <translation>Registro de la &amp;infusión...</translation>
    </message>
    <message>
        <source>Products infused (ISBT 128 DIN), doses per kg and infusion reactions</source>
        <translation>Productos infundidos (DIN ISBT 128), dosis por kg y reacciones a la infusión</translation>
    </message>
    <message>
        <source>&amp;Audit trail...</source>
        <translation>Registro de au&amp;ditoría...</translation>
    </message>
    <message>
        <source>A&amp;udit trail of this patient...</source>
        <translation>A&amp;uditoría de este paciente...</translation>
    </message>
    <message>
        <source>&amp;Lock now</source>
        <translation>Blo&amp;quear ahora</translation>
    </message>
    <message>
        <source>Acco&amp;unts...</source>
        <translation>Cu&amp;entas...</translation>
    </message>
    <message>
        <source>Change my pass&amp;word...</source>
        <translation>Ca&amp;mbiar mi contraseña...</translation>
    </message>
    <message>
        <source>Hide patient data until you sign in again</source>
        <translation>Ocultar los datos de pacientes hasta que vuelva a iniciar sesión</translation>
    </message>
    <message>
        <source>Who may sign in, with which role; the sign-in rules</source>
        <translation>Quién puede iniciar sesión, con qué rol; las reglas de inicio de sesión</translation>
    </message>
    <message>
        <source>&amp;Verify doses...</source>
        <translation>Verificar do&amp;sis...</translation>
    </message>
    <message>
        <source>Check the conditioning doses and sign for them with your password</source>
        <translation>Comprobar las dosis del acondicionamiento y firmarlas con su contraseña</translation>
    </message>
    <message>
        <source>Expor&amp;t calendar...</source>
        <translation>Ex&amp;portar calendario...</translation>
    </message>
    <message>
        <source>Export data (&amp;spreadsheet, FHIR)...</source>
        <translation>Exportar datos (&amp;hoja de cálculo, FHIR)...</translation>
    </message>
    <message>
        <source>Save a calendar file (.ics) of the patient&apos;s dates, or the team&apos;s</source>
        <translation>Guardar un archivo de calendario (.ics) con las fechas del paciente, o el del equipo</translation>
    </message>
    <message>
        <source>Save the board, worklist, forms or a plan as a spreadsheet, or FHIR</source>
        <translation>Guardar el tablero, la lista de trabajo, los formularios o un plan como hoja de cálculo, o en FHIR</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <location filename="../../ui/app.py" line="136"/>
        <source>The interface could not be fully translated ({language}): {problems}</source>
        <translation>No se pudo traducir toda la interfaz ({language}): {problems}</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="151"/>
        <source>A local template was skipped: {error}</source>
        <translation>Se omitió una plantilla local: {error}</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="340"/>
        <source>The accounts changed while the clinic was being opened; start again.</source>
        <translation>Las cuentas cambiaron mientras se abría la clínica; vuelva a iniciar.</translation>
    </message>
</context>
<context>
    <name>dates</name>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="92"/>
        <source>January</source>
        <translation>Enero</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="93"/>
        <source>February</source>
        <translation>Febrero</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="94"/>
        <source>March</source>
        <translation>Marzo</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="95"/>
        <source>April</source>
        <translation>Abril</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="96"/>
        <source>May</source>
        <translation>Mayo</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="97"/>
        <source>June</source>
        <translation>Junio</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="98"/>
        <source>July</source>
        <translation>Julio</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="99"/>
        <source>August</source>
        <translation>Agosto</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="100"/>
        <source>September</source>
        <translation>Septiembre</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="101"/>
        <source>October</source>
        <translation>Octubre</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="102"/>
        <source>November</source>
        <translation>Noviembre</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="103"/>
        <source>December</source>
        <translation>Diciembre</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="121"/>
        <source>Mon</source>
        <translation>Lun</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="122"/>
        <source>Tue</source>
        <translation>Mar</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="123"/>
        <source>Wed</source>
        <translation>Mié</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="124"/>
        <source>Thu</source>
        <translation>Jue</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="125"/>
        <source>Fri</source>
        <translation>Vie</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="126"/>
        <source>Sat</source>
        <translation>Sáb</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="127"/>
        <source>Sun</source>
        <translation>Dom</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <location filename="../../ui/errors.py" line="71"/>
        <source>An unexpected error occurred ({error}). Your saved work is safe; the last action may not have been completed. Details were written to the log.</source>
        <translation>Se produjo un error inesperado ({error}). El trabajo guardado está a salvo; puede que la última acción no se haya completado. Los detalles se han escrito en el registro.</translation>
    </message>
</context>
<context>
    <name>graft_sources</name>
    <message>
        <location filename="../../ui/models/board_model.py" line="60"/>
        <source>pbsc</source>
        <translation>sangre periférica</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="61"/>
        <source>marrow</source>
        <translation>médula ósea</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="62"/>
        <source>cord</source>
        <translation>cordón umbilical</translation>
    </message>
    <message>
        <source>CAR T-cell product</source>
        <translation>producto de células CAR-T</translation>
    </message>
</context>
<context>
    <name>help</name>
    <message>
        <location filename="../../ui/help.py" line="21"/>
        <source>Database</source>
        <translation>Base de datos</translation>
    </message>
    <message>
        <location filename="../../ui/help.py" line="22"/>
        <source>Backups</source>
        <translation>Copias de seguridad</translation>
    </message>
    <message>
        <location filename="../../ui/help.py" line="23"/>
        <source>Audit key</source>
        <translation>Clave de auditoría</translation>
    </message>
    <message>
        <location filename="../../ui/help.py" line="70"/>
        <source>&lt;h3&gt;Transplant Planner {version}&lt;/h3&gt;&lt;p&gt;Planning and follow-up of haematopoietic stem cell transplants.&lt;/p&gt;&lt;p&gt;The templates, doses and rules are &lt;b&gt;examples for local review&lt;/b&gt;, not medical advice: the programme checks and adapts them before use.&lt;/p&gt;&lt;p&gt;Free software under the GNU General Public License, version 3 or later; it comes with no warranty.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Transplant Planner {version}&lt;/h3&gt;&lt;p&gt;Planificación y seguimiento de trasplantes de progenitores hematopoyéticos.&lt;/p&gt;&lt;p&gt;Las plantillas, dosis y reglas son &lt;b&gt;ejemplos para revisión local&lt;/b&gt;, no consejo médico: el programa de trasplante las revisa y adapta antes de usarlas.&lt;/p&gt;&lt;p&gt;Software libre bajo la Licencia Pública General de GNU, versión 3 o posterior; se distribuye sin ninguna garantía.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>months_short</name>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="107"/>
        <source>Jan</source>
        <translation>ene</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="108"/>
        <source>Feb</source>
        <translation>feb</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="109"/>
        <source>Mar</source>
        <translation>mar</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="110"/>
        <source>Apr</source>
        <translation>abr</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="111"/>
        <source>May</source>
        <translation>may</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="112"/>
        <source>Jun</source>
        <translation>jun</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="113"/>
        <source>Jul</source>
        <translation>jul</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="114"/>
        <source>Aug</source>
        <translation>ago</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="115"/>
        <source>Sep</source>
        <translation>sep</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="116"/>
        <source>Oct</source>
        <translation>oct</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="117"/>
        <source>Nov</source>
        <translation>nov</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/plan_timeline.py" line="118"/>
        <source>Dec</source>
        <translation>dic</translation>
    </message>
</context>
<context>
    <name>phases</name>
    <message>
        <location filename="../../ui/models/board_model.py" line="38"/>
        <source>work-up</source>
        <translation>estudio pretrasplante</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="39"/>
        <source>mobilising</source>
        <translation>movilización</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="40"/>
        <source>conditioning</source>
        <translation>acondicionamiento</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="41"/>
        <source>infusion</source>
        <translation>infusión</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="42"/>
        <source>pre-engraftment</source>
        <translation>preinjerto</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="43"/>
        <source>engrafted</source>
        <translation>injertado</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="44"/>
        <source>recovery</source>
        <translation>recuperación</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="45"/>
        <source>day +100</source>
        <translation>día +100</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="46"/>
        <source>late phase</source>
        <translation>fase tardía</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="47"/>
        <source>long-term follow-up</source>
        <translation>seguimiento a largo plazo</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>completado</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>cancelado</translation>
    </message>
    <message>
        <source>deceased</source>
        <translation>fallecido</translation>
    </message>
    <message>
        <source>monitoring</source>
        <translation>vigilancia</translation>
    </message>
</context>
<context>
    <name>printing</name>
    <message>
        <location filename="../../ui/printing.py" line="38"/>
        <source>page {page} of {count}</source>
        <translation>página {page} de {count}</translation>
    </message>
</context>
<context>
    <name>status_style</name>
    <message>
        <location filename="../../ui/widgets/status_style.py" line="53"/>
        <source>Planned</source>
        <translation>Previsto</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/status_style.py" line="60"/>
        <source>Done</source>
        <translation>Hecho</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/status_style.py" line="68"/>
        <source>Overdue</source>
        <translation>Atrasado</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/status_style.py" line="75"/>
        <source>Skipped</source>
        <translation>Omitido</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/status_style.py" line="83"/>
        <source>Cancelled</source>
        <translation>Cancelado</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/status_style.py" line="107"/>
        <source>Work-up</source>
        <translation>Estudio pretrasplante</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/status_style.py" line="108"/>
        <source>Mobilisation</source>
        <translation>Movilización</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/status_style.py" line="109"/>
        <source>Collection</source>
        <translation>Recolección</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/status_style.py" line="110"/>
        <source>Conditioning</source>
        <translation>Acondicionamiento</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/status_style.py" line="111"/>
        <source>Infusion</source>
        <translation>Infusión</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/status_style.py" line="112"/>
        <source>GVHD prophylaxis</source>
        <translation>Profilaxis de EICR</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/status_style.py" line="113"/>
        <source>Supportive care</source>
        <translation>Tratamiento de soporte</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/status_style.py" line="114"/>
        <source>Recovery</source>
        <translation>Recuperación</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/status_style.py" line="115"/>
        <source>Follow-up</source>
        <translation>Seguimiento</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/status_style.py" line="141"/>
        <source>planned</source>
        <translation>previsto</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/status_style.py" line="142"/>
        <source>done</source>
        <translation>hecho</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/status_style.py" line="143"/>
        <source>skipped</source>
        <translation>omitido</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/status_style.py" line="144"/>
        <source>cancelled</source>
        <translation>cancelado</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/status_style.py" line="145"/>
        <source>overdue</source>
        <translation>atrasado</translation>
    </message>
</context>
<context>
    <name>translation</name>
    <message>
        <location filename="../../ui/translation.py" line="75"/>
        <source>&amp;System</source>
        <translation>&amp;Sistema</translation>
    </message>
</context>
<context>
    <name>transplant_types</name>
    <message>
        <location filename="../../ui/models/board_model.py" line="53"/>
        <source>autologous</source>
        <translation>autólogo</translation>
    </message>
    <message>
        <location filename="../../ui/models/board_model.py" line="54"/>
        <source>allogeneic</source>
        <translation>alogénico</translation>
    </message>
    <message>
        <source>CAR-T</source>
        <translation>CAR-T</translation>
    </message>
</context>
<context>
    <name>_Shroud</name>
    <message>
        <source>Locked: patient data is hidden.</source>
        <translation>Bloqueado: los datos de pacientes están ocultos.</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>&amp;Close the app</source>
        <translation>&amp;Cerrar la aplicación</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nombre:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>Con&amp;traseña:</translation>
    </message>
    <message>
        <source>&amp;Sign in</source>
        <translation>&amp;Iniciar sesión</translation>
    </message>
    <message>
        <source>&amp;Unlock</source>
        <translation>&amp;Desbloquear</translation>
    </message>
    <message>
        <source>Account name</source>
        <translation>Nombre de la cuenta</translation>
    </message>
    <message>
        <source>Another account is signed in here.</source>
        <translation>Aquí hay otra cuenta con la sesión iniciada.</translation>
    </message>
    <message>
        <source>Checking...</source>
        <translation>Comprobando...</translation>
    </message>
    <message>
        <source>Continue as &amp;computer login {login}</source>
        <translation>Continuar como el &amp;usuario del equipo {login}</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Contraseña</translation>
    </message>
    <message>
        <source>Patient data is hidden. {user} ({role}) signed in; enter the password to continue.</source>
        <translation>Los datos de pacientes están ocultos. {user} ({role}) tiene la sesión iniciada; escriba la contraseña para continuar.</translation>
    </message>
    <message>
        <source>Sign in to Transplant Planner</source>
        <translation>Iniciar sesión en Transplant Planner</translation>
    </message>
    <message>
        <source>Sign-in message</source>
        <translation>Mensaje de inicio de sesión</translation>
    </message>
    <message>
        <source>This clinic database has accounts: sign in to open it.</source>
        <translation>Esta base de datos de la clínica tiene cuentas: inicie sesión para abrirla.</translation>
    </message>
    <message>
        <source>Transplant Planner - locked</source>
        <translation>Transplant Planner - bloqueado</translation>
    </message>
    <message>
        <source>Type the account name and the password.</source>
        <translation>Escriba el nombre de la cuenta y la contraseña.</translation>
    </message>
</context>
<context>
    <name>LevelsChartView</name>
    <message>
        <source>Donor cells, %</source>
        <translation>Células del donante, %</translation>
    </message>
    <message>
        <source>Donor chimerism, {lineage} (%)</source>
        <translation>Quimerismo del donante, {lineage} (%)</translation>
    </message>
    <message>
        <source>Drug levels and donor chimerism</source>
        <translation>Niveles de fármacos y quimerismo del donante</translation>
    </message>
    <message>
        <source>Drug levels and donor chimerism by transplant day</source>
        <translation>Niveles de fármacos y quimerismo del donante por día del trasplante</translation>
    </message>
    <message>
        <source>Level, ng/mL</source>
        <translation>Nivel, ng/mL</translation>
    </message>
    <message>
        <source>No drug levels or chimerism results yet</source>
        <translation>Aún no hay niveles de fármacos ni resultados de quimerismo</translation>
    </message>
    <message>
        <source>Transplant day</source>
        <translation>Día del trasplante</translation>
    </message>
</context>
</TS>
