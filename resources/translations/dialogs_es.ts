<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES">
<context>
    <name>CalculatorDialog</name>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="96"/>
        <source>Assessment date</source>
        <translation>Fecha de la valoración</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="98"/>
        <source>after today: an assessment cannot be dated in the future</source>
        <translation>posterior a hoy: una valoración no puede tener fecha futura</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="103"/>
        <source>Findings</source>
        <translation>Hallazgos</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="105"/>
        <source>Assessment &amp;date:</source>
        <translation>Fecha de la &amp;valoración:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="114"/>
        <source>Calculation error</source>
        <translation>Error de cálculo</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="162"/>
        <source>yyyy-mm-dd</source>
        <translation>aaaa-mm-dd</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="165"/>
        <source>not entered</source>
        <translation>sin introducir</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="168"/>
        <source>optional {placeholder}</source>
        <translation>opcional {placeholder}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="170"/>
        <source>optional</source>
        <translation>opcional</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="182"/>
        <source>Allowed: {hint}</source>
        <translation>Permitido: {hint}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="185"/>
        <source>{field} allowed range</source>
        <translation>{field}: intervalo permitido</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="191"/>
        <source>{field} error</source>
        <translation>{field}: error</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="199"/>
        <source>Result</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="206"/>
        <source>Grade</source>
        <translation>Grado</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="207"/>
        <source>Criteria and version</source>
        <translation>Criterios y versión</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="208"/>
        <source>Deciding rule</source>
        <translation>Regla determinante</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="209"/>
        <source>Stages and scores</source>
        <translation>Estadios y puntuaciones</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="210"/>
        <source>Inputs used</source>
        <translation>Datos utilizados</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="211"/>
        <source>Notes</source>
        <translation>Notas</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="221"/>
        <source>Clinician confirmation required</source>
        <translation>Requiere confirmación del médico</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="224"/>
        <source>Confirmation reason</source>
        <translation>Motivo de la confirmación</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="225"/>
        <source>why the suggested value is right</source>
        <translation>por qué el valor propuesto es correcto</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="227"/>
        <source>&amp;Reason:</source>
        <translation>&amp;Motivo:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="232"/>
        <source>Why the result cannot be saved</source>
        <translation>Por qué no se puede guardar el resultado</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="236"/>
        <source>C&amp;opy result</source>
        <translation>Co&amp;piar resultado</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="237"/>
        <source>Copy the result to the clipboard</source>
        <translation>Copiar el resultado al portapapeles</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="240"/>
        <source>&amp;Save assessment</source>
        <translation>&amp;Guardar valoración</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="248"/>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="352"/>
        <location filename="../../ui/dialogs/calculator_form.py" line="366"/>
        <source>A value is refused; see the message under it.</source>
        <translation>Se ha rechazado un valor; vea el mensaje debajo.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="355"/>
        <source>The assessment date is refused; see the message under it.</source>
        <translation>Se ha rechazado la fecha de la valoración; vea el mensaje debajo.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="358"/>
        <location filename="../../ui/dialogs/calculator_form.py" line="363"/>
        <source>Enter: {fields}.</source>
        <translation>Introduzca: {fields}.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="380"/>
        <source>{hint} · counted: {reason}</source>
        <translation>{hint} · contado: {reason}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="388"/>
        <source>No result</source>
        <translation>Sin resultado</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="401"/>
        <source>Criteria: {criteria}, version {version}</source>
        <translation>Criterios: {criteria}, versión {version}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="405"/>
        <source>Rule: {rule}</source>
        <translation>Regla: {rule}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="407"/>
        <source>Stages/scores: {scores}</source>
        <translation>Estadios/puntuaciones: {scores}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="410"/>
        <source>Inputs: {inputs}</source>
        <translation>Datos: {inputs}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="413"/>
        <source>Note: {note}</source>
        <translation>Nota: {note}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="424"/>
        <source>{reason} Use Copy result.</source>
        <translation>{reason} Use Copiar resultado.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_form.py" line="427"/>
        <source>{criteria} results have no grade order to track. Use Copy result.</source>
        <translation>Los resultados de {criteria} no tienen un orden de grados que seguir. Use Copiar resultado.</translation>
    </message>
</context>
<context>
    <name>ChecklistTab</name>
    <message>
        <location filename="../../ui/checklist_tab.py" line="51"/>
        <source>Done</source>
        <translation>Hecho</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="52"/>
        <source>Item</source>
        <translation>Elemento</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="53"/>
        <source>Section</source>
        <translation>Sección</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="54"/>
        <source>Due</source>
        <translation>Previsto</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="55"/>
        <source>Day</source>
        <translation>Día</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="56"/>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="57"/>
        <source>Done on (by)</source>
        <translation>Hecho el (por)</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="58"/>
        <source>Note or warning</source>
        <translation>Nota o aviso</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="62"/>
        <location filename="../../ui/checklist_tab.py" line="325"/>
        <source>done</source>
        <translation>hecho</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="63"/>
        <source>done today</source>
        <translation>hecho hoy</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="64"/>
        <source>open today</source>
        <translation>pendiente hoy</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="65"/>
        <source>overdue</source>
        <translation>atrasado</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="66"/>
        <source>due soon</source>
        <translation>próximo</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="67"/>
        <source>planned</source>
        <translation>planificado</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="68"/>
        <source>expired</source>
        <translation>caducado</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="69"/>
        <source>expires early</source>
        <translation>caduca antes</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="72"/>
        <source>Day 0</source>
        <translation>Día 0</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="73"/>
        <source>Collection</source>
        <translation>Aféresis</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="74"/>
        <source>Admission</source>
        <translation>Ingreso</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="107"/>
        <source>Checklist</source>
        <translation>Lista de verificación</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="112"/>
        <source>&amp;Checklist:</source>
        <translation>Lista de veri&amp;ficación:</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="115"/>
        <source>Checklist progress</source>
        <translation>Progreso de la lista de verificación</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="116"/>
        <source>T&amp;ick or untick...</source>
        <translation>&amp;Marcar o desmarcar...</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="117"/>
        <source>Tick or untick the current item</source>
        <translation>Marcar o desmarcar el elemento actual</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="127"/>
        <source>Anchor dates</source>
        <translation>Fechas de referencia</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="132"/>
        <source>Expiry warnings</source>
        <translation>Avisos de caducidad</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="136"/>
        <source>Checklist items</source>
        <translation>Elementos de la lista de verificación</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="253"/>
        <source>Untick “{item}”? Say why.</source>
        <translation>¿Desmarcar «{item}»? Indique el motivo.</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="256"/>
        <source>When was “{item}” done?</source>
        <translation>¿Cuándo se hizo «{item}»?</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="275"/>
        <source>Untick item</source>
        <translation>Desmarcar elemento</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="275"/>
        <source>Tick item</source>
        <translation>Marcar elemento</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="289"/>
        <source>{item}: unticked.</source>
        <translation>{item}: desmarcado.</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="289"/>
        <source>{item}: done.</source>
        <translation>{item}: hecho.</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="298"/>
        <source>{anchor} {date}</source>
        <translation>{anchor} {date}</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="304"/>
        <source>(daily checklist: items count as done when ticked today)</source>
        <translation>(lista diaria: los elementos cuentan como hechos si se marcan hoy)</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="320"/>
        <source>{done} of {total} done</source>
        <translation>{done} de {total} hechos</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="325"/>
        <source>not done</source>
        <translation>no hecho</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="328"/>
        <source>Click, or press Space or Enter, to tick or untick</source>
        <translation>Haga clic o pulse Espacio o Intro para marcar o desmarcar</translation>
    </message>
    <message>
        <location filename="../../ui/checklist_tab.py" line="335"/>
        <source>Valid for {n} days: do on or after {date}</source>
        <translation>Válido {n} días: hacer el {date} o después</translation>
    </message>
</context>
<context>
    <name>ChimerismPanel</name>
    <message>
        <location filename="../../ui/chimerism_panel.py" line="47"/>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <location filename="../../ui/chimerism_panel.py" line="48"/>
        <source>Day</source>
        <translation>Día</translation>
    </message>
    <message>
        <location filename="../../ui/chimerism_panel.py" line="49"/>
        <source>Lineage</source>
        <translation>Línea celular</translation>
    </message>
    <message>
        <location filename="../../ui/chimerism_panel.py" line="50"/>
        <source>Donor %</source>
        <translation>% donante</translation>
    </message>
    <message>
        <location filename="../../ui/chimerism_panel.py" line="51"/>
        <source>Reading</source>
        <translation>Interpretación</translation>
    </message>
    <message>
        <location filename="../../ui/chimerism_panel.py" line="65"/>
        <source>Donor chimerism (ASTCT 2021)</source>
        <translation>Quimerismo del donante (ASTCT 2021)</translation>
    </message>
    <message>
        <location filename="../../ui/chimerism_panel.py" line="75"/>
        <source>Donor chimerism results</source>
        <translation>Resultados de quimerismo del donante</translation>
    </message>
    <message>
        <location filename="../../ui/chimerism_panel.py" line="78"/>
        <source>Record chi&amp;merism...</source>
        <translation>Registrar qui&amp;merismo...</translation>
    </message>
    <message>
        <location filename="../../ui/chimerism_panel.py" line="80"/>
        <source>Remove...</source>
        <translation>Eliminar...</translation>
    </message>
    <message>
        <location filename="../../ui/chimerism_panel.py" line="81"/>
        <source>Remove the selected chimerism result</source>
        <translation>Eliminar el resultado de quimerismo seleccionado</translation>
    </message>
    <message>
        <location filename="../../ui/chimerism_panel.py" line="126"/>
        <source>Chimerism {lineage} {percent}% on {date} recorded.</source>
        <translation>Quimerismo {lineage} {percent}% del {date} registrado.</translation>
    </message>
    <message>
        <location filename="../../ui/chimerism_panel.py" line="142"/>
        <source>&amp;Record result</source>
        <translation>Re&amp;gistrar resultado</translation>
    </message>
    <message>
        <location filename="../../ui/chimerism_panel.py" line="152"/>
        <source>{lineage} result of {date}</source>
        <translation>resultado de {lineage} del {date}</translation>
    </message>
    <message>
        <location filename="../../ui/chimerism_panel.py" line="171"/>
        <source>Remove chimerism result</source>
        <translation>Eliminar resultado de quimerismo</translation>
    </message>
    <message>
        <location filename="../../ui/chimerism_panel.py" line="172"/>
        <source>Why remove the {what}?</source>
        <translation>¿Por qué eliminar el {what}?</translation>
    </message>
    <message>
        <location filename="../../ui/chimerism_panel.py" line="181"/>
        <source>Chimerism {what} removed.</source>
        <translation>Quimerismo: {what} eliminado.</translation>
    </message>
    <message>
        <location filename="../../ui/chimerism_panel.py" line="187"/>
        <source>{reading}, falling {n} points</source>
        <translation>{reading}, baja {n} puntos</translation>
    </message>
</context>
<context>
    <name>CollectionDialog</name>
    <message>
        <location filename="../../ui/harvest_tab.py" line="291"/>
        <source>not entered</source>
        <translation>sin introducir</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="294"/>
        <source>the product volume</source>
        <translation>el volumen del producto</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="295"/>
        <source>the product CD34+ concentration</source>
        <translation>la concentración de CD34+ del producto</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="298"/>
        <source>the product CD34+ total</source>
        <translation>el total de CD34+ del producto</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="299"/>
        <source>the recipient weight</source>
        <translation>el peso del receptor</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="318"/>
        <source>Apheresis collection</source>
        <translation>Aféresis</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="327"/>
        <source>Collection date</source>
        <translation>Fecha de la aféresis</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="330"/>
        <source>after today: a collection is recorded once collected</source>
        <translation>posterior a hoy: una aféresis se registra una vez realizada</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="336"/>
        <source>Product volume</source>
        <translation>Volumen del producto</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="337"/>
        <source>Concentration (cells/uL)</source>
        <translation>Concentración (células/uL)</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="338"/>
        <source>Total (x10^6 cells)</source>
        <translation>Total (x10^6 células)</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="355"/>
        <source>Recipient weight</source>
        <translation>Peso del receptor</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="359"/>
        <source>e.g. B-0312-1, B-0312-2</source>
        <translation>p. ej. B-0312-1, B-0312-2</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="360"/>
        <source>Plerixafor given before this collection</source>
        <translation>Plerixafor administrado antes de esta aféresis</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="370"/>
        <source>&amp;Date:</source>
        <translation>&amp;Fecha:</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="371"/>
        <source>&amp;Blood volume processed:</source>
        <translation>&amp;Volumen de sangre procesado:</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="372"/>
        <source>&amp;Product volume:</source>
        <translation>Volumen del &amp;producto:</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="375"/>
        <source>Recipient &amp;weight:</source>
        <translation>P&amp;eso del receptor:</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="376"/>
        <source>Ba&amp;g ids:</source>
        <translation>&amp;Identificadores de bolsa:</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="378"/>
        <source>&amp;Note:</source>
        <translation>&amp;Nota:</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="470"/>
        <source>Enter {field}.</source>
        <translation>Introduzca {field}.</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="481"/>
        <source> and </source>
        <translation> y </translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="483"/>
        <source>Enter {fields} to compute the dose.</source>
        <translation>Introduzca {fields} para calcular la dosis.</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="492"/>
        <source>Dose: {formula}</source>
        <translation>Dosis: {formula}</translation>
    </message>
</context>
<context>
    <name>ColumnMappingDialog</name>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="97"/>
        <source>MRN</source>
        <translation>NHC</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="98"/>
        <source>Sample date</source>
        <translation>Fecha de la muestra</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="99"/>
        <source>Test name</source>
        <translation>Nombre de la prueba</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="100"/>
        <source>Result</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="101"/>
        <source>Unit</source>
        <translation>Unidad</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="103"/>
        <source>(none)</source>
        <translation>(ninguna)</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="167"/>
        <source>Lab file columns</source>
        <translation>Columnas del archivo de laboratorio</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="174"/>
        <source>Long format: one result per row. Pick the column for each field (the names are remembered on this workstation).</source>
        <translation>Formato largo: un resultado por fila. Elija la columna de cada campo (los nombres se recuerdan en este puesto).</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="188"/>
        <source>{field} column</source>
        <translation>Columna de {field}</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="190"/>
        <source>{field}:</source>
        <translation>{field}:</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="191"/>
        <source>Results use a decimal comma (1,5)</source>
        <translation>Los resultados usan coma decimal (1,5)</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="196"/>
        <source>CREA = creatinine</source>
        <translation>CREA = creatinine</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="197"/>
        <source>Local result codes</source>
        <translation>Códigos locales de resultados</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="202"/>
        <source>HL7 results coded by the laboratory itself, one per line as CODE = analyte (wbc, anc, plt, hb, creatinine, bilirubin):</source>
        <translation>Resultados HL7 con códigos propios del laboratorio, uno por línea como CÓDIGO = prueba (wbc, anc, plt, hb, creatinine, bilirubin):</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="223"/>
        <source>Choose a column for MRN, sample date, test name and result.</source>
        <translation>Elija una columna para NHC, fecha de la muestra, nombre de la prueba y resultado.</translation>
    </message>
</context>
<context>
    <name>ComplicationsTab</name>
    <message>
        <location filename="../../ui/complications_tab.py" line="54"/>
        <source>Episode / assessment</source>
        <translation>Episodio / valoración</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="55"/>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="56"/>
        <source>Day</source>
        <translation>Día</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="57"/>
        <source>Grade</source>
        <translation>Grado</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="58"/>
        <source>Rule or status</source>
        <translation>Regla o estado</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="65"/>
        <source>Acute GVHD (&amp;MAGIC)...</source>
        <translation>EICR a&amp;guda (MAGIC)...</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="66"/>
        <source>Chronic &amp;GVHD (NIH)...</source>
        <translation>EICR crónica (N&amp;IH)...</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="67"/>
        <source>S&amp;OS/VOD (EBMT)...</source>
        <translation>SOS/EVO (EB&amp;MT)...</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="68"/>
        <source>&amp;CRS (ASTCT)...</source>
        <translation>CRS, cito&amp;quinas (ASTCT)...</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="69"/>
        <source>&amp;ICANS (ASTCT)...</source>
        <translation>ICANS, neuroto&amp;xicidad (ASTCT)...</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="89"/>
        <source>New assessment:</source>
        <translation>Nueva valoración:</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="92"/>
        <source>More calculators</source>
        <translation>Más calculadoras</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="106"/>
        <location filename="../../ui/complications_tab.py" line="116"/>
        <source>For allogeneic transplants only.</source>
        <translation>Solo para trasplantes alogénicos.</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="112"/>
        <source>New {title} assessment</source>
        <translation>Nueva valoración: {title}</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="119"/>
        <source>More c&amp;alculators</source>
        <translation>Más calc&amp;uladoras</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="121"/>
        <source>More calculators: complications, eligibility and compatibility</source>
        <translation>Más calculadoras: complicaciones, elegibilidad y compatibilidad</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="126"/>
        <source>&amp;Resolve episode...</source>
        <translation>&amp;Fin del episodio...</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="127"/>
        <source>Resolve the selected episode</source>
        <translation>Resolver el episodio seleccionado</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="133"/>
        <source>Complication episodes</source>
        <translation>Episodios de complicaciones</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="140"/>
        <source>Assessment detail</source>
        <translation>Detalle de la valoración</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="144"/>
        <source>No complication episodes recorded. Use a calculator above to record a dated assessment.</source>
        <translation>No hay episodios de complicaciones registrados. Use una calculadora de arriba para registrar una valoración con fecha.</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="177"/>
        <source>max {grade}</source>
        <translation>máx. {grade}</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="179"/>
        <source>max {grade} (now {now})</source>
        <translation>máx. {grade} (ahora {now})</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="181"/>
        <source>active</source>
        <translation>activo</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="183"/>
        <source>resolved {date} ({day})</source>
        <translation>resuelto el {date} ({day})</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="253"/>
        <source>Saved {criteria} {grade}.</source>
        <translation>Guardado: {criteria} {grade}.</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="264"/>
        <source>Select an active episode to resolve.</source>
        <translation>Seleccione un episodio activo para resolverlo.</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="280"/>
        <source>Resolve episode</source>
        <translation>Resolver episodio</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="281"/>
        <source>When did the {type} episode resolve?</source>
        <translation>¿Cuándo se resolvió el episodio de {type}?</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="294"/>
        <source>{type} episode resolved.</source>
        <translation>Episodio de {type} resuelto.</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="328"/>
        <source>{date}, assessed by {user}</source>
        <translation>{date}, valorado por {user}</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="335"/>
        <source>Confirmed by the clinician: {reason}</source>
        <translation>Confirmado por el médico: {reason}</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="346"/>
        <source>{type}: onset {date}, 1 assessment.</source>
        <translation>{type}: inicio el {date}, 1 valoración.</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="348"/>
        <source>{type}: onset {date}, {n} assessments.</source>
        <translation>{type}: inicio el {date}, {n} valoraciones.</translation>
    </message>
    <message>
        <location filename="../../ui/complications_tab.py" line="354"/>
        <source>Resolved {date}. {note}</source>
        <translation>Resuelto el {date}. {note}</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <location filename="../../ui/dialogs/conflict_dialog.py" line="27"/>
        <source>Changed on another workstation</source>
        <translation>Modificado en otro puesto</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/conflict_dialog.py" line="31"/>
        <source>1 date differs.</source>
        <translation>Difiere 1 fecha.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/conflict_dialog.py" line="33"/>
        <source>{n} dates differ.</source>
        <translation>Difieren {n} fechas.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/conflict_dialog.py" line="37"/>
        <source>Someone saved this plan on another workstation while you were editing it.
Their Day 0: {theirs}. Yours: {mine}. {differ} Nothing has been overwritten.</source>
        <translation>Alguien guardó este plan en otro puesto mientras usted lo editaba.
Día 0 en el otro puesto: {theirs}. En el suyo: {mine}. {differ} No se ha sobrescrito nada.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/conflict_dialog.py" line="49"/>
        <source>Step</source>
        <translation>Paso</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/conflict_dialog.py" line="49"/>
        <source>Their date</source>
        <translation>Fecha del otro puesto</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/conflict_dialog.py" line="49"/>
        <source>Your date</source>
        <translation>Su fecha</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/conflict_dialog.py" line="63"/>
        <source>Take &amp;their version</source>
        <translation>Usar la versión del &amp;otro puesto</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/conflict_dialog.py" line="64"/>
        <source>Keep &amp;my version</source>
        <translation>&amp;Mantener mi versión</translation>
    </message>
</context>
<context>
    <name>CountChartView</name>
    <message>
        <location filename="../../ui/counts_tab.py" line="312"/>
        <source>No blood counts yet</source>
        <translation>Aún no hay recuentos sanguíneos</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="315"/>
        <source>Blood counts by transplant day (x10^9/L)</source>
        <translation>Recuentos sanguíneos por día del trasplante (x10^9/L)</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="317"/>
        <source>Transplant day</source>
        <translation>Día del trasplante</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="362"/>
        <source>x10^9/L (log)</source>
        <translation>x10^9/L (log)</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="371"/>
        <source>ANC, WBC x10^9/L</source>
        <translation>RAN, leucocitos x10^9/L</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="374"/>
        <source>Platelets x10^9/L</source>
        <translation>Plaquetas x10^9/L</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="400"/>
        <source>Platelet transfusion</source>
        <translation>Transfusión de plaquetas</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="406"/>
        <source>Red-cell transfusion</source>
        <translation>Transfusión de hematíes</translation>
    </message>
</context>
<context>
    <name>CountDialog</name>
    <message>
        <location filename="../../ui/harvest_tab.py" line="226"/>
        <source>Blood CD34+ count</source>
        <translation>Recuento de CD34+ en sangre</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="229"/>
        <source>Date of the count</source>
        <translation>Fecha del recuento</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="230"/>
        <source>after today: a count is recorded once measured</source>
        <translation>posterior a hoy: un recuento se registra una vez medido</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="235"/>
        <source> /uL</source>
        <translation> /uL</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="236"/>
        <source>Blood CD34+ cells per microlitre</source>
        <translation>Células CD34+ en sangre por microlitro</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="240"/>
        <source>&amp;Date:</source>
        <translation>&amp;Fecha:</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="241"/>
        <source>Blood &amp;CD34+:</source>
        <translation>&amp;CD34+ en sangre:</translation>
    </message>
</context>
<context>
    <name>CountsGridModel</name>
    <message>
        <location filename="../../ui/counts_tab.py" line="110"/>
        <source>PLT tx</source>
        <translation>Tx plaq.</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="111"/>
        <source>RBC tx</source>
        <translation>Tx hem.</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="114"/>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="115"/>
        <source>Day</source>
        <translation>Día</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="116"/>
        <source>WBC</source>
        <translation>Leuc.</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="117"/>
        <source>ANC</source>
        <translation>RAN</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="118"/>
        <source>PLT</source>
        <translation>Plaq.</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="119"/>
        <source>Hb g/L</source>
        <translation>Hb g/L</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="215"/>
        <source>x10^9/L (K/uL)</source>
        <translation>x10^9/L (K/uL)</translation>
    </message>
    <message>
        <source>From lab files; correct it in the lab&apos;s system</source>
        <translation>De archivos del laboratorio; corríjalo en el sistema del laboratorio</translation>
    </message>
</context>
<context>
    <name>CountsTab</name>
    <message>
        <location filename="../../ui/counts_tab.py" line="592"/>
        <source>Blood counts by date</source>
        <translation>Recuentos sanguíneos por fecha</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="596"/>
        <source>Lo&amp;g scale</source>
        <translation>Escala lo&amp;garítmica</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="599"/>
        <source>Reset &amp;zoom</source>
        <translation>Restablecer &amp;zoom</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="601"/>
        <source>&amp;Import lab file...</source>
        <translation>&amp;Importar archivo de laboratorio...</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="605"/>
        <source>Engraftment (CIBMTR/ASTCT 2021)</source>
        <translation>Injerto (CIBMTR/ASTCT 2021)</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="613"/>
        <source>Override...</source>
        <translation>Corregir...</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="614"/>
        <source>Override {result}</source>
        <translation>Corregir: {result}</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="631"/>
        <source>Graft function after engraftment</source>
        <translation>Función del injerto tras el injerto</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="716"/>
        <source>Set Day 0 to assess engraftment.</source>
        <translation>Fije el Día 0 para valorar el injerto.</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="776"/>
        <source>{count}: type a number.</source>
        <translation>{count}: escriba un número.</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="781"/>
        <source>{count} {value} is outside {low}-{high}; not saved.</source>
        <translation>{count} {value} está fuera de {low}-{high}; no se ha guardado.</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="788"/>
        <source>{count} {value} on {date} saved.</source>
        <translation>{count} {value} del {date} guardado.</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="796"/>
        <source>{count} on {date} is {value}. Why correct it?</source>
        <translation>{count} del {date} es {value}. ¿Por qué corregirlo?</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="799"/>
        <source>Correct a count</source>
        <translation>Corregir un recuento</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="814"/>
        <source>Remove a count</source>
        <translation>Eliminar un recuento</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="815"/>
        <source>Why remove {count} of {date}?</source>
        <translation>¿Por qué eliminar {count} del {date}?</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="821"/>
        <source>{count} of {date} removed (Undo brings it back).</source>
        <translation>{count} del {date} eliminado (Deshacer lo recupera).</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="853"/>
        <source>Remove this count...</source>
        <translation>Eliminar este recuento...</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="864"/>
        <source>Platelet transfusion recorded on {date}.</source>
        <translation>Transfusión de plaquetas registrada el {date}.</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="866"/>
        <source>Red-cell transfusion recorded on {date}.</source>
        <translation>Transfusión de hematíes registrada el {date}.</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="870"/>
        <source>Platelet transfusion removed on {date}.</source>
        <translation>Transfusión de plaquetas del {date} eliminada.</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="872"/>
        <source>Red-cell transfusion removed on {date}.</source>
        <translation>Transfusión de hematíes del {date} eliminada.</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="881"/>
        <source>Remove transfusion</source>
        <translation>Eliminar transfusión</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="883"/>
        <source>Why remove the platelet transfusion of {date}?</source>
        <translation>¿Por qué eliminar la transfusión de plaquetas del {date}?</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="885"/>
        <source>Why remove the red-cell transfusion of {date}?</source>
        <translation>¿Por qué eliminar la transfusión de hematíes del {date}?</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="900"/>
        <source>Counts of {date} saved.</source>
        <translation>Recuentos del {date} guardados.</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="906"/>
        <source>Set Day 0 before assessing engraftment.</source>
        <translation>Fije el Día 0 antes de valorar el injerto.</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="914"/>
        <source>{result}: override saved.</source>
        <translation>{result}: corrección guardada.</translation>
    </message>
    <message>
        <source>Blood counts</source>
        <translation>Hemograma</translation>
    </message>
    <message>
        <source>Drug levels and chimerism</source>
        <translation>Niveles de fármacos y quimerismo</translation>
    </message>
</context>
<context>
    <name>DateChangesModel</name>
    <message>
        <location filename="../../ui/dialogs/date_changes.py" line="41"/>
        <source>Step</source>
        <translation>Paso</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/date_changes.py" line="42"/>
        <source>Old date</source>
        <translation>Fecha anterior</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/date_changes.py" line="43"/>
        <source>New date</source>
        <translation>Fecha nueva</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/date_changes.py" line="44"/>
        <source>Day</source>
        <translation>Día</translation>
    </message>
</context>
<context>
    <name>DateChangesTable</name>
    <message>
        <location filename="../../ui/dialogs/date_changes.py" line="102"/>
        <source>Dates that change</source>
        <translation>Fechas que cambian</translation>
    </message>
</context>
<context>
    <name>DateNoteDialog</name>
    <message>
        <location filename="../../ui/dialogs/calculator_dialogs.py" line="99"/>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_dialogs.py" line="102"/>
        <source>after today: what is recorded has happened</source>
        <translation>posterior a hoy: lo que se registra ya ha ocurrido</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_dialogs.py" line="108"/>
        <source>Note</source>
        <translation>Nota</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_dialogs.py" line="109"/>
        <source>&amp;Date:</source>
        <translation>&amp;Fecha:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/calculator_dialogs.py" line="110"/>
        <source>&amp;Note:</source>
        <translation>&amp;Nota:</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="98"/>
        <location filename="../../ui/dialogs/export_dialog.py" line="349"/>
        <source>Print / export</source>
        <translation>Imprimir / exportar</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="108"/>
        <source>&amp;Large print (16 pt)</source>
        <translation>&amp;Letra grande (16 pt)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="109"/>
        <source>&amp;No identifiers (name, MRN, birth date left out)</source>
        <translation>&amp;Sin identificadores (sin nombre, NHC ni fecha de nacimiento)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="112"/>
        <source>Blank lines replace the name; the file name and the PDF metadata carry no patient data either.</source>
        <translation>Unas líneas en blanco sustituyen al nombre; el nombre del archivo y los metadatos del PDF tampoco llevan datos del paciente.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="140"/>
        <source>Document preview</source>
        <translation>Vista previa del documento</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="142"/>
        <source>&amp;Save...</source>
        <translation>&amp;Guardar...</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="143"/>
        <source>&amp;Print...</source>
        <translation>&amp;Imprimir...</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="144"/>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="184"/>
        <source>Not saved: the existing file was kept.</source>
        <translation>No se ha guardado: se ha conservado el archivo existente.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="195"/>
        <source>Saved {name}.</source>
        <translation>Guardado {name}.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="205"/>
        <source>Save document</source>
        <translation>Guardar documento</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="207"/>
        <source>PDF files (*.pdf)</source>
        <translation>Archivos PDF (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="222"/>
        <source>The chosen pages are not in the document; nothing was printed.</source>
        <translation>Las páginas elegidas no están en el documento; no se ha impreso nada.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="240"/>
        <source>The printer could not be started; the print was recorded as attempted.</source>
        <translation>No se pudo iniciar la impresora; la impresión se ha registrado como intentada.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="267"/>
        <source>Sent 1 page to the printer.</source>
        <translation>Se ha enviado 1 página a la impresora.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="269"/>
        <source>Sent {n} pages to the printer.</source>
        <translation>Se han enviado {n} páginas a la impresora.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="282"/>
        <source>&amp;Document:</source>
        <translation>&amp;Documento:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="283"/>
        <source>&amp;Language:</source>
        <translation>Idio&amp;ma:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="385"/>
        <source>Patient MRN {mrn} · Day 0 {day0} · plan version {version}</source>
        <translation>Paciente NHC {mrn} · Día 0 {day0} · versión del plan {version}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="392"/>
        <source>Rendering the preview...</source>
        <translation>Generando la vista previa...</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="414"/>
        <source>1 page, printed on {date}.</source>
        <translation>1 página, impresa el {date}.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/export_dialog.py" line="416"/>
        <source>{n} pages, printed on {date}.</source>
        <translation>{n} páginas, impresas el {date}.</translation>
    </message>
</context>
<context>
    <name>FieldErrors</name>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="48"/>
        <source>Error for {field}</source>
        <translation>Error en {field}</translation>
    </message>
</context>
<context>
    <name>FormsDialog</name>
    <message>
        <location filename="../../ui/dialogs/forms_dialog.py" line="46"/>
        <source>Registry forms due</source>
        <translation>Formularios del registro pendientes</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/forms_dialog.py" line="51"/>
        <source>Show &amp;every form (done and later ones too)</source>
        <translation>Mostrar &amp;todos los formularios (también hechos y posteriores)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/forms_dialog.py" line="56"/>
        <source>MRN</source>
        <translation>NHC</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/forms_dialog.py" line="57"/>
        <source>Form</source>
        <translation>Formulario</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/forms_dialog.py" line="58"/>
        <source>Due</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/forms_dialog.py" line="59"/>
        <source>Window ends</source>
        <translation>Fin del plazo</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/forms_dialog.py" line="60"/>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/forms_dialog.py" line="100"/>
        <source>{n} forms listed; {past} past due.</source>
        <translation>{n} formularios en la lista; {past} vencidos.</translation>
    </message>
    <message>
        <source>Reading the registry forms...</source>
        <translation>Leyendo los formularios de registro...</translation>
    </message>
</context>
<context>
    <name>HarvestTab</name>
    <message>
        <location filename="../../ui/harvest_tab.py" line="610"/>
        <source>Collection of {date} saved: {dose}.</source>
        <translation>Aféresis del {date} guardada: {dose}.</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="635"/>
        <source>Collection alert</source>
        <translation>Aviso de aféresis</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="646"/>
        <source>Cumulative yield against the optimal target</source>
        <translation>Rendimiento acumulado frente al objetivo óptimo</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="655"/>
        <source>Harvest log by M-Day</source>
        <translation>Registro de la recolección por Día M</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="663"/>
        <source>Blood &amp;CD34+ count...</source>
        <translation>Recuento de CD34+ en san&amp;gre...</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="665"/>
        <source>&amp;Add collection...</source>
        <translation>Añadir a&amp;féresis...</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="667"/>
        <source>Ed&amp;it collection...</source>
        <translation>Ed&amp;itar aféresis...</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="669"/>
        <source>&amp;Remove collection...</source>
        <translation>Eli&amp;minar aféresis...</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="672"/>
        <source>Remove a collection entered by mistake (with a reason; the audit trail keeps it)</source>
        <translation>Eliminar una aféresis introducida por error (con un motivo; el registro de auditoría la conserva)</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="676"/>
        <source>Tar&amp;gets...</source>
        <translation>Ob&amp;jetivos...</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="678"/>
        <source>Plerixafor d&amp;ose...</source>
        <translation>Dosis de pleri&amp;xafor...</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="681"/>
        <source>Plerixafor dose from weight and creatinine clearance (Cockcroft-Gault), with the patient&apos;s recorded age, sex, weight and height filled in</source>
        <translation>Dosis de plerixafor según el peso y el aclaramiento de creatinina (Cockcroft-Gault), con la edad, el sexo, el peso y la talla registrados del paciente ya introducidos</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="687"/>
        <source>Infusion...</source>
        <translation>Infusión...</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="689"/>
        <source>Products infused (ISBT 128 DIN), doses per kg and infusion reactions</source>
        <translation>Productos infundidos (DIN ISBT 128), dosis por kg y reacciones a la infusión</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="751"/>
        <source>Today {date}, M-Day {n}</source>
        <translation>Hoy {date}, Día M {n}</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="755"/>
        <source>Today {date}, no mobilisation anchor in the plan</source>
        <translation>Hoy {date}, el plan no tiene referencia de movilización</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="761"/>
        <source>Cumulative: {total}</source>
        <translation>Acumulado: {total}</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="766"/>
        <source>{total} of {optimal} (optimal)</source>
        <translation>{total} de {optimal} (óptimo)</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="771"/>
        <source>Minimum {minimum}; optimal {optimal}; maximum {maximum}</source>
        <translation>Mínimo {minimum}; óptimo {optimal}; máximo {maximum}</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="773"/>
        <source>Minimum {minimum}; optimal {optimal}</source>
        <translation>Mínimo {minimum}; óptimo {optimal}</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="778"/>
        <source>{targets} (tandem: doubled)</source>
        <translation>{targets} (tándem: duplicado)</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="783"/>
        <source>Forecast: {formula}.</source>
        <translation>Previsión: {formula}.</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="786"/>
        <source>Forecast: 1 more collection to the optimal target.</source>
        <translation>Previsión: 1 aféresis más hasta el objetivo óptimo.</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="788"/>
        <source>Forecast: {n} more collections to the optimal target.</source>
        <translation>Previsión: {n} aféresis más hasta el objetivo óptimo.</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="848"/>
        <source>Blood CD34+ {value}/uL saved.</source>
        <translation>CD34+ en sangre {value}/uL guardado.</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="880"/>
        <source>Select the collection to remove in the table first.</source>
        <translation>Seleccione primero en la tabla la aféresis que desea eliminar.</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="882"/>
        <source>the collection of {date} ({dose})</source>
        <translation>la aféresis del {date} ({dose})</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="889"/>
        <source>Remove collection</source>
        <translation>Eliminar aféresis</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="890"/>
        <source>Why remove {what}? The audit trail keeps what was entered.</source>
        <translation>¿Por qué eliminar {what}? El registro de auditoría conserva lo introducido.</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="896"/>
        <source>Removed {what}.</source>
        <translation>Eliminada {what}.</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="920"/>
        <source>Targets saved.</source>
        <translation>Objetivos guardados.</translation>
    </message>
</context>
<context>
    <name>HarvestTableModel</name>
    <message>
        <location filename="../../ui/harvest_tab.py" line="106"/>
        <source>M-Day</source>
        <translation>Día M</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="107"/>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="108"/>
        <source>Blood CD34+ /uL</source>
        <translation>CD34+ en sangre /uL</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="109"/>
        <source>Blood vol. L</source>
        <translation>Vol. sangre L</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="110"/>
        <source>Product mL</source>
        <translation>Producto mL</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="111"/>
        <source>Product CD34+</source>
        <translation>CD34+ del producto</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="112"/>
        <source>Bags</source>
        <translation>Bolsas</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="113"/>
        <source>Dose {unit}</source>
        <translation>Dosis {unit}</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="114"/>
        <source>Cumulative</source>
        <translation>Acumulado</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="183"/>
        <source>{value} /uL</source>
        <translation>{value} /uL</translation>
    </message>
</context>
<context>
    <name>ImportLabsDialog</name>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="270"/>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="367"/>
        <source>Import lab results</source>
        <translation>Importar resultados de laboratorio</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="281"/>
        <source>Lab file</source>
        <translation>Archivo de laboratorio</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="104"/>
        <source>(not saved)</source>
        <translation>(sin guardar)</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="282"/>
        <source>CSV, .xlsx or HL7 v2 lab file</source>
        <translation>Archivo de laboratorio CSV, .xlsx o HL7 v2</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="284"/>
        <source>&amp;Choose...</source>
        <translation>&amp;Elegir...</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="286"/>
        <source>C&amp;olumns...</source>
        <translation>C&amp;olumnas...</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="292"/>
        <source>Saved mapping</source>
        <translation>Correspondencia guardada</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="295"/>
        <source>Save &amp;as...</source>
        <translation>Guardar co&amp;mo...</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="298"/>
        <source>Save these columns, the decimal comma and the local codes under a name, for every workstation and for the command line (--mapping NAME).</source>
        <translation>Guarda estas columnas, la coma decimal y los códigos locales con un nombre, para todos los puestos y para la línea de órdenes (--mapping NOMBRE).</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="303"/>
        <source>&amp;Preview (dry run)</source>
        <translation>&amp;Vista previa (simulación)</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="308"/>
        <source>Import summary</source>
        <translation>Resumen de la importación</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="315"/>
        <source>Line</source>
        <translation>Línea</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="315"/>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="315"/>
        <source>Row as read</source>
        <translation>Fila tal como se leyó</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="317"/>
        <source>Rejected rows</source>
        <translation>Filas rechazadas</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="327"/>
        <source>&amp;Import</source>
        <translation>&amp;Importar</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="333"/>
        <source>&amp;File:</source>
        <translation>&amp;Archivo:</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="337"/>
        <source>Sa&amp;ved mapping:</source>
        <translation>Correspondencia guar&amp;dada:</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="369"/>
        <source>Lab files (*.csv *.txt *.tsv *.xlsx *.hl7 *.oru *.msg)</source>
        <translation>Archivos de laboratorio (*.csv *.txt *.tsv *.xlsx *.hl7 *.oru *.msg)</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="380"/>
        <source>Save column mapping</source>
        <translation>Guardar la correspondencia de columnas</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="381"/>
        <source>Name (the command line uses it with --mapping NAME):</source>
        <translation>Nombre (la línea de órdenes lo usa con --mapping NOMBRE):</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="420"/>
        <source>The saved mappings cannot be read: {reason}</source>
        <translation>No se pueden leer las correspondencias guardadas: {reason}</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="469"/>
        <source>The mapping was not saved: {reason}</source>
        <translation>No se guardó la correspondencia: {reason}</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="492"/>
        <source>Columns: MRN = {mrn}, date = {date}, test = {test}, result = {result}, unit = {unit}, decimal comma</source>
        <translation>Columnas: NHC = {mrn}, fecha = {date}, prueba = {test}, resultado = {result}, unidad = {unit}, coma decimal</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="497"/>
        <source>Columns: MRN = {mrn}, date = {date}, test = {test}, result = {result}, unit = {unit}</source>
        <translation>Columnas: NHC = {mrn}, fecha = {date}, prueba = {test}, resultado = {result}, unidad = {unit}</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="509"/>
        <source>Local codes: {codes}</source>
        <translation>Códigos locales: {codes}</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="566"/>
        <source>The file was refused: {reason}</source>
        <translation>Se ha rechazado el archivo: {reason}</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="569"/>
        <source>The file cannot be read: {reason}.</source>
        <translation>No se puede leer el archivo: {reason}.</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="572"/>
        <source>Not imported: {reason}</source>
        <translation>No se ha importado: {reason}</translation>
    </message>
    <message>
        <source>Checking the file...</source>
        <translation>Comprobando el archivo...</translation>
    </message>
    <message>
        <source>Importing...</source>
        <translation>Importando...</translation>
    </message>
    <message>
        <location filename="../work/main/ui/dialogs/import_labs_dialog.py" line="595"/>
        <source>Note: {note}</source>
        <translation>Nota: {note}</translation>
    </message>
</context>
<context>
    <name>InfusionDialog</name>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="337"/>
        <source>Infusion</source>
        <translation>Infusión</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="344"/>
        <source>DIN</source>
        <translation>DIN</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="345"/>
        <source>Product code</source>
        <translation>Código de producto</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="346"/>
        <source>Source</source>
        <translation>Origen</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="347"/>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="348"/>
        <source>Volume</source>
        <translation>Volumen</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="349"/>
        <source>Started</source>
        <translation>Inicio</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="350"/>
        <source>TNC/kg</source>
        <translation>CNT/kg</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="351"/>
        <source>CD34+/kg</source>
        <translation>CD34+/kg</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="352"/>
        <source>CD3+/kg or HLA</source>
        <translation>CD3+/kg o HLA</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="355"/>
        <source>Products infused</source>
        <translation>Productos infundidos</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="365"/>
        <source>Infusion reactions</source>
        <translation>Reacciones a la infusión</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="366"/>
        <source>&amp;Add product...</source>
        <translation>Añadir &amp;producto...</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="368"/>
        <source>&amp;Remove product...</source>
        <translation>&amp;Retirar producto...</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="370"/>
        <source>Add r&amp;eaction...</source>
        <translation>Añadir r&amp;eacción...</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="372"/>
        <source>Remo&amp;ve reaction...</source>
        <translation>Retirar reacció&amp;n...</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="389"/>
        <source>Infusion reactions:</source>
        <translation>Reacciones a la infusión:</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="420"/>
        <source>cryopreserved</source>
        <translation>criopreservado</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="420"/>
        <source>fresh</source>
        <translation>fresco</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="466"/>
        <source>Product {din} saved.</source>
        <translation>Producto {din} guardado.</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="475"/>
        <source>Reaction of grade {grade} saved.</source>
        <translation>Reacción de grado {grade} guardada.</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="487"/>
        <source>Select the product to remove in the table first.</source>
        <translation>Seleccione primero en la tabla el producto que quiere retirar.</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="493"/>
        <source>Remove product</source>
        <translation>Retirar producto</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="494"/>
        <source>Why remove the product {din}? The audit trail keeps it.</source>
        <translation>¿Por qué retirar el producto {din}? El registro de auditoría lo conserva.</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="498"/>
        <source>Removed the product {din}.</source>
        <translation>Producto {din} retirado.</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="505"/>
        <source>Select the reaction to remove in the list first.</source>
        <translation>Seleccione primero en la lista la reacción que quiere retirar.</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="511"/>
        <source>Remove reaction</source>
        <translation>Retirar reacción</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="512"/>
        <source>Why remove this reaction? The audit trail keeps it.</source>
        <translation>¿Por qué retirar esta reacción? El registro de auditoría la conserva.</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="516"/>
        <source>Removed the reaction.</source>
        <translation>Reacción retirada.</translation>
    </message>
</context>
<context>
    <name>MoveDay0Dialog</name>
    <message>
        <location filename="../../ui/dialogs/day0_dialog.py" line="66"/>
        <location filename="../../ui/dialogs/day0_dialog.py" line="84"/>
        <source>Move Day 0</source>
        <translation>Mover el Día 0</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/day0_dialog.py" line="73"/>
        <source>New Day 0</source>
        <translation>Nuevo Día 0</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/day0_dialog.py" line="76"/>
        <source>e.g. donor delayed; infection; product issue</source>
        <translation>p. ej. retraso del donante; infección; problema del producto</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/day0_dialog.py" line="77"/>
        <source>Reason for moving Day 0</source>
        <translation>Motivo para mover el Día 0</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/day0_dialog.py" line="87"/>
        <source>Day 0 is {date}. New &amp;Day 0:</source>
        <translation>El Día 0 es el {date}. Nuevo &amp;Día 0:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/day0_dialog.py" line="92"/>
        <source>&amp;Reason:</source>
        <translation>&amp;Motivo:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/day0_dialog.py" line="102"/>
        <source>1 step already done keeps its real date.</source>
        <translation>1 paso ya hecho conserva su fecha real.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/day0_dialog.py" line="105"/>
        <source>{n} steps already done keep their real dates.</source>
        <translation>{n} pasos ya hechos conservan sus fechas reales.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/day0_dialog.py" line="159"/>
        <source>Day 0 moves 1 day later, to {date}:</source>
        <translation>El Día 0 se retrasa 1 día, al {date}:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/day0_dialog.py" line="161"/>
        <source>Day 0 moves {n} days later, to {date}:</source>
        <translation>El Día 0 se retrasa {n} días, al {date}:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/day0_dialog.py" line="165"/>
        <source>Day 0 moves 1 day earlier, to {date}:</source>
        <translation>El Día 0 se adelanta 1 día, al {date}:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/day0_dialog.py" line="167"/>
        <source>Day 0 moves {n} days earlier, to {date}:</source>
        <translation>El Día 0 se adelanta {n} días, al {date}:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/day0_dialog.py" line="171"/>
        <source>1 date changes.</source>
        <translation>Cambia 1 fecha.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/day0_dialog.py" line="173"/>
        <source>{n} dates change.</source>
        <translation>Cambian {n} fechas.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/day0_dialog.py" line="186"/>
        <source>Pick the new Day 0, then give the reason.</source>
        <translation>Elija el nuevo Día 0 y después indique el motivo.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/day0_dialog.py" line="189"/>
        <source>The infusion is recorded as given on {date}, so Day 0 stays there. If that record is wrong, correct it first.</source>
        <translation>La infusión consta como administrada el {date}, así que el Día 0 se queda en esa fecha. Si ese registro es erróneo, corríjalo primero.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/day0_dialog.py" line="193"/>
        <source>The infusion is recorded as given on {date}: Day 0 can only move to that date.</source>
        <translation>La infusión consta como administrada el {date}: el Día 0 solo puede moverse a esa fecha.</translation>
    </message>
</context>
<context>
    <name>OverrideDialog</name>
    <message>
        <location filename="../../ui/counts_tab.py" line="484"/>
        <source>Override: {result}</source>
        <translation>Corregir: {result}</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="487"/>
        <source>Engrafted on</source>
        <translation>Injerto el</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="488"/>
        <source>Not engrafted</source>
        <translation>Sin injerto</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="491"/>
        <source>Engraftment date</source>
        <translation>Fecha del injerto</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="493"/>
        <source>after today: engraftment is recorded once it happened</source>
        <translation>posterior a hoy: el injerto se registra una vez ocurrido</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="504"/>
        <source>Reason for the override</source>
        <translation>Motivo de la corrección</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="506"/>
        <source>e.g. manual differential; count drawn after transfusion</source>
        <translation>p. ej. fórmula manual; recuento extraído tras una transfusión</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="509"/>
        <source>Computed: {explanation}</source>
        <translation>Calculado: {explanation}</translation>
    </message>
    <message>
        <location filename="../../ui/counts_tab.py" line="517"/>
        <source>&amp;Reason (required):</source>
        <translation>&amp;Motivo (obligatorio):</translation>
    </message>
</context>
<context>
    <name>PatientDialog</name>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="144"/>
        <source>Edit patient</source>
        <translation>Editar paciente</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="144"/>
        <source>New patient</source>
        <translation>Nuevo paciente</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="189"/>
        <source>&amp;MRN</source>
        <translation>N&amp;HC</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="190"/>
        <source>&amp;Family name</source>
        <translation>Ape&amp;llidos</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="191"/>
        <source>&amp;Given name</source>
        <translation>No&amp;mbre</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="195"/>
        <source>after today: a date of birth cannot be in the future</source>
        <translation>posterior a hoy: la fecha de nacimiento no puede ser futura</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="197"/>
        <source>Enter the date of birth.</source>
        <translation>Introduzca la fecha de nacimiento.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="199"/>
        <source>&amp;Date of birth</source>
        <translation>&amp;Fecha de nacimiento</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="202"/>
        <source>female</source>
        <translation>mujer</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="203"/>
        <source>male</source>
        <translation>hombre</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="204"/>
        <source>choose</source>
        <translation>elija</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="206"/>
        <source>&amp;Sex</source>
        <translation>&amp;Sexo</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="207"/>
        <source>&amp;Height (cm)</source>
        <translation>&amp;Talla (cm)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="207"/>
        <source>e.g. 172.5</source>
        <translation>p. ej. 172,5</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="208"/>
        <source>&amp;Weight (kg)</source>
        <translation>&amp;Peso (kg)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="208"/>
        <source>e.g. 68.4</source>
        <translation>p. ej. 68,4</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="209"/>
        <source>e.g. 0.9</source>
        <translation>p. ej. 0,9</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="212"/>
        <source>Latest serum creatinine in mg/dL, with the date the sample was taken: the renal dose rules (plerixafor, fludarabine, entecavir, melphalan) need both.</source>
        <translation>Última creatinina sérica en mg/dL, con la fecha en que se tomó la muestra: las reglas de dosis renal (plerixafor, fludarabina, entecavir, melfalán) necesitan ambos datos.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="216"/>
        <source>C&amp;reatinine (mg/dL)</source>
        <translation>C&amp;reatinina (mg/dL)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="220"/>
        <source>after today: a sample cannot be dated in the future</source>
        <translation>posterior a hoy: una muestra no puede tener fecha futura</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="224"/>
        <source>Creatinine sam&amp;ple date</source>
        <translation>Fecha de la m&amp;uestra de creatinina</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="226"/>
        <source>Recipient CM&amp;V IgG</source>
        <translation>IgG CM&amp;V del receptor</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="227"/>
        <source>HBs&amp;Ag</source>
        <translation>HBs&amp;Ag</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="228"/>
        <source>A&amp;nti-HBc</source>
        <translation>A&amp;nti-HBc</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="235"/>
        <source>D&amp;iagnosis</source>
        <translation>&amp;Diagnóstico</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="236"/>
        <source>Disease s&amp;tatus</source>
        <translation>&amp;Estado de la enfermedad</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="237"/>
        <source>&amp;Coordinator</source>
        <translation>&amp;Coordinador/a</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="241"/>
        <source>Handout &amp;language</source>
        <translation>&amp;Idioma de la hoja informativa</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="245"/>
        <source>C&amp;ontacts</source>
        <translation>C&amp;ontactos</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="249"/>
        <source>not recorded ({example})</source>
        <translation>sin registrar ({example})</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="292"/>
        <source>Choose the sex.</source>
        <translation>Elija el sexo.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="294"/>
        <source>Enter the date the creatinine sample was taken.</source>
        <translation>Introduzca la fecha en que se tomó la muestra de creatinina.</translation>
    </message>
    <message>
        <source>not yet assigned</source>
        <translation>aún no asignado</translation>
    </message>
    <message>
        <source>The number FormsNet3 assigns once per person (CRID).</source>
        <translation>El número que FormsNet3 asigna una vez por persona (CRID).</translation>
    </message>
    <message>
        <source>CI&amp;BMTR research ID</source>
        <translation>ID de investigación CI&amp;BMTR</translation>
    </message>
    <message>
        <source>&amp;EBMT registry ID</source>
        <translation>ID de re&amp;gistro EBMT</translation>
    </message>
</context>
<context>
    <name>PlanChecksPanel</name>
    <message>
        <location filename="../../ui/plan_checks_panel.py" line="25"/>
        <source>Severity</source>
        <translation>Gravedad</translation>
    </message>
    <message>
        <location filename="../../ui/plan_checks_panel.py" line="26"/>
        <source>Rule</source>
        <translation>Regla</translation>
    </message>
    <message>
        <location filename="../../ui/plan_checks_panel.py" line="27"/>
        <source>Finding</source>
        <translation>Hallazgo</translation>
    </message>
    <message>
        <location filename="../../ui/plan_checks_panel.py" line="31"/>
        <source>high</source>
        <translation>alta</translation>
    </message>
    <message>
        <location filename="../../ui/plan_checks_panel.py" line="32"/>
        <source>medium</source>
        <translation>media</translation>
    </message>
    <message>
        <location filename="../../ui/plan_checks_panel.py" line="33"/>
        <source>low</source>
        <translation>baja</translation>
    </message>
    <message>
        <location filename="../../ui/plan_checks_panel.py" line="34"/>
        <source>dose adjusted</source>
        <translation>dosis ajustada</translation>
    </message>
    <message>
        <location filename="../../ui/plan_checks_panel.py" line="35"/>
        <source>note</source>
        <translation>nota</translation>
    </message>
    <message>
        <location filename="../../ui/plan_checks_panel.py" line="53"/>
        <source>Plan checks</source>
        <translation>Comprobaciones del plan</translation>
    </message>
    <message>
        <location filename="../../ui/plan_checks_panel.py" line="68"/>
        <source>Findings to act on: {act}; doses adjusted by a rule: {adjusted}. Rules and sources: resources/rules/plan-rules.toml (hover a row).</source>
        <translation>Hallazgos que requieren acción: {act}; dosis ajustadas por una regla: {adjusted}. Reglas y fuentes: resources/rules/plan-rules.toml (pase el ratón por una fila).</translation>
    </message>
    <message>
        <location filename="../../ui/plan_checks_panel.py" line="72"/>
        <source>The plan rules found nothing to act on and adjusted no dose.</source>
        <translation>Las reglas del plan no han encontrado nada que requiera acción ni han ajustado ninguna dosis.</translation>
    </message>
</context>
<context>
    <name>PlanWizard</name>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="64"/>
        <source>(none)</source>
        <translation>(ninguna)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="67"/>
        <location filename="../../ui/dialogs/plan_wizard.py" line="230"/>
        <source>Mobilisation</source>
        <translation>Movilización</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="68"/>
        <source>Conditioning</source>
        <translation>Acondicionamiento</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="69"/>
        <source>GVHD prophylaxis</source>
        <translation>Profilaxis de la EICR</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="70"/>
        <source>Supportive care</source>
        <translation>Tratamiento de soporte</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="71"/>
        <source>Follow-up</source>
        <translation>Seguimiento</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="74"/>
        <source>autologous</source>
        <translation>autólogo</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="75"/>
        <source>allogeneic</source>
        <translation>alogénico</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="78"/>
        <source>pbsc</source>
        <translation>sangre periférica</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="79"/>
        <source>marrow</source>
        <translation>médula ósea</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="80"/>
        <source>cord</source>
        <translation>cordón umbilical</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="158"/>
        <source>New plan</source>
        <translation>Nuevo plan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="171"/>
        <source>Enter Day 0.</source>
        <translation>Introduzca el Día 0.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="172"/>
        <source>First G-CSF dose on</source>
        <translation>Primera dosis de G-CSF el</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="173"/>
        <source>First G-CSF dose</source>
        <translation>Primera dosis de G-CSF</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="187"/>
        <source>Missing measurements</source>
        <translation>Mediciones que faltan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="189"/>
        <source>Create the plan with these doses not computed</source>
        <translation>Crear el plan con estas dosis sin calcular</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="195"/>
        <source>Day</source>
        <translation>Día</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="195"/>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="195"/>
        <source>Phase</source>
        <translation>Fase</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="195"/>
        <source>Step</source>
        <translation>Paso</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="195"/>
        <source>Dose</source>
        <translation>Dosis</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="198"/>
        <source>Plan preview</source>
        <translation>Vista previa del plan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="202"/>
        <source>Create plan</source>
        <translation>Crear plan</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="220"/>
        <source>&amp;Transplant type</source>
        <translation>&amp;Tipo de trasplante</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="221"/>
        <source>&amp;Graft source</source>
        <translation>&amp;Fuente de progenitores</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="222"/>
        <source>D&amp;onor</source>
        <translation>D&amp;onante</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="223"/>
        <source>&amp;Day 0</source>
        <translation>&amp;Día 0</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="231"/>
        <source>Templates (examples for local review)</source>
        <translation>Plantillas (ejemplos para revisión local)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="235"/>
        <source>{slot} template</source>
        <translation>Plantilla de {slot}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="294"/>
        <source>Day 0: {reason}</source>
        <translation>Día 0: {reason}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="313"/>
        <source>First G-CSF dose: {reason}</source>
        <translation>Primera dosis de G-CSF: {reason}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="341"/>
        <source>{n} dated steps. Doses use height {height} cm and weight {weight} kg (weighed {weighed}).</source>
        <translation>{n} pasos con fecha. Las dosis usan talla {height} cm y peso {weight} kg (pesado el {weighed}).</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="347"/>
        <source>not recorded</source>
        <translation>sin registrar</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="381"/>
        <source>{step} (cancelled: not indicated)</source>
        <translation>{step} (cancelado: no indicado)</translation>
    </message>
    <message>
        <source>CAR T-cell therapy</source>
        <translation>terapia con células CAR-T</translation>
    </message>
    <message>
        <source>CAR T-cell product</source>
        <translation>producto de células CAR-T</translation>
    </message>
</context>
<context>
    <name>ProductDialog</name>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="91"/>
        <source>Infused product</source>
        <translation>Producto infundido</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="95"/>
        <source>e.g. A9999 09 123456 00 9</source>
        <translation>p. ej. A9999 09 123456 00 9</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="96"/>
        <source>Donation identification number with check character</source>
        <translation>Número de identificación de la donación con carácter de control</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="98"/>
        <source>e.g. S1398</source>
        <translation>p. ej. S1398</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="99"/>
        <source>ISBT 128 product code</source>
        <translation>Código de producto ISBT 128</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="106"/>
        <source>Cryopreserved (thawed)</source>
        <translation>Criopreservado (descongelado)</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="107"/>
        <source>Fresh</source>
        <translation>Fresco</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="113"/>
        <source>Infusion date</source>
        <translation>Fecha de la infusión</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="114"/>
        <source>after today: an infusion is recorded once given</source>
        <translation>posterior a hoy: una infusión se registra una vez administrada</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="117"/>
        <source>HH:MM</source>
        <translation>HH:MM</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="118"/>
        <source>Infusion start time</source>
        <translation>Hora de inicio de la infusión</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="121"/>
        <source>Recipient weight</source>
        <translation>Peso del receptor</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="139"/>
        <source>Total nucleated cells in the product</source>
        <translation>Células nucleadas totales en el producto</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="140"/>
        <source>CD34+ cells in the product</source>
        <translation>Células CD34+ en el producto</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="141"/>
        <source>CD3+ cells in the product</source>
        <translation>Células CD3+ en el producto</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="143"/>
        <source>not reported</source>
        <translation>no informado</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="146"/>
        <source>cord units: e.g. 5/6</source>
        <translation>unidades de cordón: p. ej. 5/6</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="147"/>
        <source>HLA match of the cord unit</source>
        <translation>Compatibilidad HLA de la unidad de cordón</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="151"/>
        <source>&amp;DIN:</source>
        <translation>&amp;DIN:</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="152"/>
        <source>Product &amp;code:</source>
        <translation>&amp;Código de producto:</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="153"/>
        <source>&amp;Source:</source>
        <translation>&amp;Origen:</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="154"/>
        <source>S&amp;tate:</source>
        <translation>Es&amp;tado:</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="155"/>
        <source>&amp;Volume infused:</source>
        <translation>&amp;Volumen infundido:</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="156"/>
        <source>D&amp;ate:</source>
        <translation>&amp;Fecha:</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="157"/>
        <source>Start ti&amp;me:</source>
        <translation>Hora de &amp;inicio:</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="158"/>
        <source>Recipient &amp;weight:</source>
        <translation>P&amp;eso del receptor:</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="159"/>
        <source>T&amp;NC in product:</source>
        <translation>C&amp;NT en el producto:</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="160"/>
        <source>CD&amp;34+ in product:</source>
        <translation>CD&amp;34+ en el producto:</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="161"/>
        <source>CD3+ in &amp;product:</source>
        <translation>CD3+ en el &amp;producto:</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="162"/>
        <source>&amp;HLA match:</source>
        <translation>Compatibilidad H&amp;LA:</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="163"/>
        <source>N&amp;ote:</source>
        <translation>Not&amp;a:</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="191"/>
        <source>Enter the recipient weight.</source>
        <translation>Introduzca el peso del receptor.</translation>
    </message>
</context>
<context>
    <name>ReactionDialog</name>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="249"/>
        <source>Infusion reaction</source>
        <translation>Reacción a la infusión</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="254"/>
        <source>Date of the reaction</source>
        <translation>Fecha de la reacción</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="255"/>
        <source>after today: a reaction is recorded once seen</source>
        <translation>posterior a hoy: una reacción se registra una vez observada</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="258"/>
        <source>HH:MM</source>
        <translation>HH:MM</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="259"/>
        <source>Time the reaction began</source>
        <translation>Hora de inicio de la reacción</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="261"/>
        <source>e.g. fever and rigors</source>
        <translation>p. ej. fiebre y escalofríos</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="262"/>
        <source>What was seen</source>
        <translation>Qué se observó</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="266"/>
        <source>Grade (CTCAE v5.0 infusion related reaction)</source>
        <translation>Grado (reacción relacionada con la infusión, CTCAE v5.0)</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="268"/>
        <source>not known</source>
        <translation>desconocido</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="274"/>
        <source>what was done</source>
        <translation>qué se hizo</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="277"/>
        <source>&amp;Date:</source>
        <translation>&amp;Fecha:</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="278"/>
        <source>&amp;Time:</source>
        <translation>&amp;Hora:</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="279"/>
        <source>&amp;What was seen:</source>
        <translation>&amp;Qué se observó:</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="280"/>
        <source>&amp;Grade (CTCAE):</source>
        <translation>&amp;Grado (CTCAE):</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="281"/>
        <source>&amp;Product:</source>
        <translation>&amp;Producto:</translation>
    </message>
    <message>
        <location filename="../../ui/infusion_dialog.py" line="282"/>
        <source>&amp;Note:</source>
        <translation>&amp;Nota:</translation>
    </message>
</context>
<context>
    <name>RowsEditor</name>
    <message>
        <location filename="../../ui/dialogs/rows_editor.py" line="44"/>
        <source>Add row</source>
        <translation>Añadir fila</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/rows_editor.py" line="45"/>
        <source>Add a row to {name}</source>
        <translation>Añadir una fila a {name}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/rows_editor.py" line="47"/>
        <source>Remove row</source>
        <translation>Eliminar fila</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/rows_editor.py" line="48"/>
        <source>Remove the selected row of {name}</source>
        <translation>Eliminar la fila seleccionada de {name}</translation>
    </message>
</context>
<context>
    <name>SaveErrorLine</name>
    <message>
        <location filename="../../ui/dialogs/saving.py" line="38"/>
        <source>Why it was not saved</source>
        <translation>Por qué no se ha guardado</translation>
    </message>
</context>
<context>
    <name>SetAnchorDialog</name>
    <message>
        <location filename="../../ui/dialogs/anchor_dialog.py" line="77"/>
        <source>Set an anchor date</source>
        <translation>Fijar una fecha de referencia</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/anchor_dialog.py" line="82"/>
        <source>Anchor</source>
        <translation>Referencia</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/anchor_dialog.py" line="85"/>
        <source>Real date of the anchor</source>
        <translation>Fecha real de la referencia</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/anchor_dialog.py" line="88"/>
        <source>e.g. G-CSF started two days late; bed availability</source>
        <translation>p. ej. el G-CSF empezó dos días tarde; disponibilidad de cama</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/anchor_dialog.py" line="90"/>
        <source>Reason for setting the anchor date</source>
        <translation>Motivo para fijar la fecha de referencia</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/anchor_dialog.py" line="96"/>
        <source>Set date</source>
        <translation>Fijar fecha</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/anchor_dialog.py" line="98"/>
        <source>&amp;Anchor:</source>
        <translation>R&amp;eferencia:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/anchor_dialog.py" line="100"/>
        <source>Real &amp;date:</source>
        <translation>&amp;Fecha real:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/anchor_dialog.py" line="101"/>
        <source>&amp;Reason:</source>
        <translation>&amp;Motivo:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/anchor_dialog.py" line="139"/>
        <source>Now {date} (a real date set earlier).</source>
        <translation>Ahora {date} (una fecha real fijada antes).</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/anchor_dialog.py" line="141"/>
        <source>Now {date} (the template&apos;s default day).</source>
        <translation>Ahora {date} (el día por defecto de la plantilla).</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/anchor_dialog.py" line="165"/>
        <source>Pick the real date, then give the reason.</source>
        <translation>Elija la fecha real y después indique el motivo.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/anchor_dialog.py" line="169"/>
        <source>1 date changes.</source>
        <translation>Cambia 1 fecha.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/anchor_dialog.py" line="171"/>
        <source>{n} dates change.</source>
        <translation>Cambian {n} fechas.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/anchor_dialog.py" line="175"/>
        <source>Steps already done keep their real dates; the anchor no longer follows Day 0.</source>
        <translation>Los pasos ya hechos conservan sus fechas reales; la referencia deja de seguir al Día 0.</translation>
    </message>
</context>
<context>
    <name>StepDialogs</name>
    <message>
        <location filename="../../ui/dialogs/step_dialogs.py" line="87"/>
        <source>Override</source>
        <translation>Excepción</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/step_dialogs.py" line="88"/>
        <source>Why is this dose given before the graft is secured? (Recorded with your name and the time.)</source>
        <translation>¿Por qué se administra esta dosis antes de asegurar el injerto? (Se registra con su nombre y la hora.)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/step_dialogs.py" line="120"/>
        <source>Mark done</source>
        <translation>Marcar como hecho</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/step_dialogs.py" line="124"/>
        <source>{step} - {day}, planned {date}</source>
        <translation>{step} - {day}, previsto el {date}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/step_dialogs.py" line="133"/>
        <source>Date done</source>
        <translation>Fecha de realización</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/step_dialogs.py" line="136"/>
        <source>after today: a done date cannot be in the future</source>
        <translation>posterior a hoy: la fecha de realización no puede ser futura</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/step_dialogs.py" line="140"/>
        <source>Enter the date it was done.</source>
        <translation>Introduzca la fecha en que se hizo.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/step_dialogs.py" line="143"/>
        <location filename="../../ui/dialogs/step_dialogs.py" line="196"/>
        <source>Note</source>
        <translation>Nota</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/step_dialogs.py" line="144"/>
        <source>&amp;Done on:</source>
        <translation>&amp;Hecho el:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/step_dialogs.py" line="145"/>
        <source>&amp;Note:</source>
        <translation>&amp;Nota:</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/step_dialogs.py" line="152"/>
        <source>&amp;Override...</source>
        <translation>&amp;Excepción...</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/step_dialogs.py" line="177"/>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/step_dialogs.py" line="193"/>
        <source>Step note</source>
        <translation>Nota del paso</translation>
    </message>
</context>
<context>
    <name>TargetsDialog</name>
    <message>
        <location filename="../../ui/harvest_tab.py" line="540"/>
        <source>Collection targets</source>
        <translation>Objetivos de recolección</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="545"/>
        <source> /uL</source>
        <translation> /uL</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="551"/>
        <source>Minimum per transplant ({unit}):</source>
        <translation>Mínimo por trasplante ({unit}):</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="552"/>
        <source>Optimal per transplant ({unit}):</source>
        <translation>Óptimo por trasplante ({unit}):</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="553"/>
        <source>Plerixafor prompt below blood CD34+:</source>
        <translation>Aviso de plerixafor por debajo de CD34+ en sangre:</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="555"/>
        <source>... or first collection below ({unit}):</source>
        <translation>... o primera aféresis por debajo de ({unit}):</translation>
    </message>
    <message>
        <location filename="../../ui/harvest_tab.py" line="560"/>
        <source>Targets are doubled automatically for a tandem transplant (practice). Defaults: minimum 2, optimal 5 autologous / 4 allogeneic x10^6 CD34+/kg; plerixafor prompt below 10/uL (centre setting). Sources: docs/clinical-sources.md, Harvest.</source>
        <translation>Los objetivos se duplican automáticamente en un trasplante en tándem (práctica habitual). Valores por defecto: mínimo 2, óptimo 5 autólogo / 4 alogénico x10^6 CD34+/kg; aviso de plerixafor por debajo de 10/uL (ajuste del centro). Fuentes: docs/clinical-sources.md, Harvest.</translation>
    </message>
</context>
<context>
    <name>anchor_dialog</name>
    <message>
        <location filename="../../ui/dialogs/anchor_dialog.py" line="59"/>
        <source>{anchor} (M-Day 1)</source>
        <translation>{anchor} (Día M 1)</translation>
    </message>
</context>
<context>
    <name>missing_measurements</name>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="111"/>
        <source>{orders} and {n} more</source>
        <translation>{orders} y {n} más</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="115"/>
        <source>The patient has no recorded weight and no height: the doses of {orders} cannot be computed. Record the weight and height (Edit patient) first, or confirm below to create the plan with those doses not computed.</source>
        <translation>El paciente no tiene peso ni talla registrados: no se pueden calcular las dosis de {orders}. Registre primero el peso y la talla (Editar paciente) o confirme abajo para crear el plan con esas dosis sin calcular.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="122"/>
        <source>The patient has no recorded weight: the doses of {orders} cannot be computed. Record the weight (Edit patient) first, or confirm below to create the plan with those doses not computed.</source>
        <translation>El paciente no tiene peso registrado: no se pueden calcular las dosis de {orders}. Registre primero el peso (Editar paciente) o confirme abajo para crear el plan con esas dosis sin calcular.</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/plan_wizard.py" line="129"/>
        <source>The patient has no recorded height: the doses of {orders} cannot be computed. Record the height (Edit patient) first, or confirm below to create the plan with those doses not computed.</source>
        <translation>El paciente no tiene talla registrada: no se pueden calcular las dosis de {orders}. Registre primero la talla (Editar paciente) o confirme abajo para crear el plan con esas dosis sin calcular.</translation>
    </message>
</context>
<context>
    <name>patient_dialog</name>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="75"/>
        <source>the height</source>
        <translation>la talla</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="76"/>
        <source>the weight</source>
        <translation>el peso</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="78"/>
        <source>the creatinine</source>
        <translation>la creatinina</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="85"/>
        <source>positive</source>
        <translation>positivo</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="86"/>
        <source>negative</source>
        <translation>negativo</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="87"/>
        <source>unknown</source>
        <translation>desconocido</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/patient_dialog.py" line="114"/>
        <source>“{text}” is not a number: enter {what} in {unit}, e.g. {example}.</source>
        <translation>«{text}» no es un número: introduzca {what} en {unit}, p. ej. {example}.</translation>
    </message>
</context>
<context>
    <name>TransplantDialog</name>
    <message>
        <source>Transplant record: {name}</source>
        <translation>Registro del trasplante: {name}</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>sin fijar</translation>
    </message>
    <message>
        <source>{type} transplant, Day 0 {day0} (Move Day 0 changes it).</source>
        <translation>Trasplante {type}, Día 0 {day0} (se cambia con Mover el Día 0).</translation>
    </message>
    <message>
        <source>Transplant</source>
        <translation>Trasplante</translation>
    </message>
    <message>
        <source>The patient&apos;s first, second, ... transplant, as the registries count.</source>
        <translation>Primer, segundo, ... trasplante del paciente, como cuentan los registros.</translation>
    </message>
    <message>
        <source>&amp;Number</source>
        <translation>&amp;Número</translation>
    </message>
    <message>
        <source>Part of a planned &amp;tandem</source>
        <translation>Parte de un &amp;tándem previsto</translation>
    </message>
    <message>
        <source>not declared</source>
        <translation>no declarada</translation>
    </message>
    <message>
        <source>&amp;Intensity</source>
        <translation>&amp;Intensidad</translation>
    </message>
    <message>
        <source>&amp;Graft source</source>
        <translation>Origen del in&amp;jerto</translation>
    </message>
    <message>
        <source>Graft &amp;manipulation</source>
        <translation>&amp;Manipulación del injerto</translation>
    </message>
    <message>
        <source>Donor</source>
        <translation>Donante</translation>
    </message>
    <message>
        <source>Donor t&amp;ype</source>
        <translation>Tipo de &amp;donante</translation>
    </message>
    <message>
        <source>&amp;Relation</source>
        <translation>&amp;Parentesco</translation>
    </message>
    <message>
        <source>matched/typed, e.g. 8/8, 9/10, 4/6</source>
        <translation>compatibles/tipados, p. ej. 8/8, 9/10, 4/6</translation>
    </message>
    <message>
        <source>&amp;HLA match</source>
        <translation>Compatibilidad &amp;HLA</translation>
    </message>
    <message>
        <source>not recorded</source>
        <translation>no registrado</translation>
    </message>
    <message>
        <source>female</source>
        <translation>mujer</translation>
    </message>
    <message>
        <source>male</source>
        <translation>hombre</translation>
    </message>
    <message>
        <source>Donor s&amp;ex</source>
        <translation>&amp;Sexo del donante</translation>
    </message>
    <message>
        <source> years</source>
        <translation> años</translation>
    </message>
    <message>
        <source>Donor &amp;age</source>
        <translation>&amp;Edad del donante</translation>
    </message>
    <message>
        <source>Donor A&amp;BO</source>
        <translation>A&amp;BO del donante</translation>
    </message>
    <message>
        <source>Donor &amp;CMV IgG</source>
        <translation>IgG &amp;CMV del donante</translation>
    </message>
    <message>
        <source>Donor registry I&amp;D</source>
        <translation>ID de re&amp;gistro del donante</translation>
    </message>
    <message>
        <source>e.g. cleared, pending medical</source>
        <translation>p. ej. apto, pendiente de valoración médica</translation>
    </message>
    <message>
        <source>&amp;Work-up status</source>
        <translation>Estado de la e&amp;valuación</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>no change</source>
        <translation>sin cambio</translation>
    </message>
    <message>
        <source>Change &amp;status to</source>
        <translation>Cambiar el estado &amp;a</translation>
    </message>
    <message>
        <source>after today: record a change that happened</source>
        <translation>posterior a hoy: registre un cambio que ya ocurrió</translation>
    </message>
    <message>
        <source>Status date</source>
        <translation>Fecha del estado</translation>
    </message>
    <message>
        <source>Stat&amp;us date</source>
        <translation>&amp;Fecha del estado</translation>
    </message>
    <message>
        <source>needed to hold, cancel or reopen</source>
        <translation>obligatorio para poner en espera, cancelar o reabrir</translation>
    </message>
    <message>
        <source>Reas&amp;on</source>
        <translation>M&amp;otivo</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Status history</source>
        <translation>Historial de estados</translation>
    </message>
    <message>
        <source>Now {status}.</source>
        <translation>Ahora {status}.</translation>
    </message>
    <message>
        <source>Now {status} since {date}.</source>
        <translation>Ahora {status} desde el {date}.</translation>
    </message>
    <message>
        <source>Reason: {reason}</source>
        <translation>Motivo: {reason}</translation>
    </message>
    <message>
        <source>CAR T-cell therapy, infusion on Day 0 {day0} (Move Day 0 changes it).</source>
        <translation>Terapia con células CAR-T, infusión el Día 0 {day0} (se cambia con Mover el Día 0).</translation>
    </message>
</context>
<context>
    <name>AuditDialog</name>
    <message>
        <source>&amp;Action contains:</source>
        <translation>&amp;Acción que contiene:</translation>
    </message>
    <message>
        <source>&amp;Export...</source>
        <translation>&amp;Exportar...</translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation>&amp;Desde:</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Buscar</translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation>&amp;Hasta:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Usuario:</translation>
    </message>
    <message>
        <source>(no patient)</source>
        <translation>(sin paciente)</translation>
    </message>
    <message>
        <source>1 row.</source>
        <translation>1 fila.</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Después</translation>
    </message>
    <message>
        <source>Audit rows</source>
        <translation>Filas de auditoría</translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation>Registro de auditoría</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Antes</translation>
    </message>
    <message>
        <source>C&amp;lear filters</source>
        <translation>&amp;Limpiar filtros</translation>
    </message>
    <message>
        <source>Correct the dates first: {error}</source>
        <translation>Corrija primero las fechas: {error}</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx);;CSV file (*.csv)</source>
        <translation>Libro de Excel (*.xlsx);;Archivo CSV (*.csv)</translation>
    </message>
    <message>
        <source>Export the audit trail</source>
        <translation>Exportar el registro de auditoría</translation>
    </message>
    <message>
        <source>Exported {n} rows to {name}.</source>
        <translation>Se exportaron {n} filas a {name}.</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Desde</translation>
    </message>
    <message>
        <source>No audit row matches these filters.</source>
        <translation>Ninguna fila de auditoría coincide con estos filtros.</translation>
    </message>
    <message>
        <source>Not exported</source>
        <translation>No exportado</translation>
    </message>
    <message>
        <source>Not exported: the existing file was kept.</source>
        <translation>No exportado: se conservó el archivo existente.</translation>
    </message>
    <message>
        <source>Patient &amp;MRN:</source>
        <translation>&amp;NHC del paciente:</translation>
    </message>
    <message>
        <source>Reading the audit trail...</source>
        <translation>Leyendo el registro de auditoría...</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Save the rows shown as a CSV or XLSX file (recorded in the audit trail)</source>
        <translation>Guardar las filas mostradas como archivo CSV o XLSX (queda registrado en la auditoría)</translation>
    </message>
    <message>
        <source>Select a row to see its before and after in full.</source>
        <translation>Seleccione una fila para ver completos su antes y su después.</translation>
    </message>
    <message>
        <source>The To day is before the From day.</source>
        <translation>El día Hasta es anterior al día Desde.</translation>
    </message>
    <message>
        <source>The selected row in full</source>
        <translation>La fila seleccionada completa</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Hasta</translation>
    </message>
    <message>
        <source>e.g. Day 0, View patient, Export</source>
        <translation>p. ej. Day 0, View patient, Export</translation>
    </message>
    <message>
        <source>every patient</source>
        <translation>todos los pacientes</translation>
    </message>
    <message>
        <source>every user</source>
        <translation>todos los usuarios</translation>
    </message>
    <message>
        <source>{n} rows, newest first.</source>
        <translation>{n} filas, las más recientes primero.</translation>
    </message>
    <message>
        <source>The newest {n} rows, newest first; narrow the filters to see older ones.</source>
        <translation>Las {n} filas más recientes, primero las más nuevas; acote los filtros para ver las anteriores.</translation>
    </message>
</context>
<context>
    <name>AuditTableModel</name>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation>Puesto</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Acción</translation>
    </message>
    <message>
        <source>MRN</source>
        <translation>NHC</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Qué</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Antes</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Después</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
</context>
<context>
    <name>AccountForm</name>
    <message>
        <source>&amp;Current password:</source>
        <translation>Contraseña &amp;actual:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nombre:</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>&amp;Rol:</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Cuenta</translation>
    </message>
    <message>
        <source>Account name</source>
        <translation>Nombre de la cuenta</translation>
    </message>
    <message>
        <source>Current password</source>
        <translation>Contraseña actual</translation>
    </message>
    <message>
        <source>Saving...</source>
        <translation>Guardando...</translation>
    </message>
    <message>
        <source>The first account is an administrator&apos;s. Once it exists, everyone signs in with an account of their own, and each change records who made it.</source>
        <translation>La primera cuenta es de administración. Desde que existe, cada persona inicia sesión con su propia cuenta y cada cambio registra quién lo hizo.</translation>
    </message>
    <message>
        <source>The two passwords differ (or are empty).</source>
        <translation>Las dos contraseñas no coinciden (o están vacías).</translation>
    </message>
</context>
<context>
    <name>AccountsDialog</name>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>&amp;Add the first account...</source>
        <translation>&amp;Añadir la primera cuenta...</translation>
    </message>
    <message>
        <source>&amp;Add...</source>
        <translation>&amp;Añadir...</translation>
    </message>
    <message>
        <source>&amp;Disable</source>
        <translation>&amp;Desactivar</translation>
    </message>
    <message>
        <source>&amp;Enable</source>
        <translation>Acti&amp;var</translation>
    </message>
    <message>
        <source>&amp;Lock after no input for:</source>
        <translation>&amp;Bloquear tras inactividad de:</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Cuentas</translation>
    </message>
    <message>
        <source>Accounts message</source>
        <translation>Mensaje de cuentas</translation>
    </message>
    <message>
        <source>Added {name}.</source>
        <translation>Se añadió {name}.</translation>
    </message>
    <message>
        <source>Name and password</source>
        <translation>Nombre y contraseña</translation>
    </message>
    <message>
        <source>Role of the selected account</source>
        <translation>Rol de la cuenta seleccionada</translation>
    </message>
    <message>
        <source>Sa&amp;ve rules</source>
        <translation>&amp;Guardar reglas</translation>
    </message>
    <message>
        <source>Set &amp;password...</source>
        <translation>Fijar &amp;contraseña...</translation>
    </message>
    <message>
        <source>Set &amp;role</source>
        <translation>Fijar &amp;rol</translation>
    </message>
    <message>
        <source>Sign &amp;in with:</source>
        <translation>&amp;Iniciar sesión con:</translation>
    </message>
    <message>
        <source>Sign-in rules</source>
        <translation>Reglas de inicio de sesión</translation>
    </message>
    <message>
        <source>The computer&apos;s login</source>
        <translation>El usuario del equipo</translation>
    </message>
    <message>
        <source>The password of {name} was set.</source>
        <translation>Se fijó la contraseña de {name}.</translation>
    </message>
    <message>
        <source>The sign-in rules were saved.</source>
        <translation>Se guardaron las reglas de inicio de sesión.</translation>
    </message>
    <message>
        <source>active</source>
        <translation>activa</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>desactivada</translation>
    </message>
    <message>
        <source>{name} is disabled.</source>
        <translation>{name} está desactivada.</translation>
    </message>
    <message>
        <source>{name} is enabled.</source>
        <translation>{name} está activada.</translation>
    </message>
    <message>
        <source>{name} is now {role}; it signs in again to use it.</source>
        <translation>{name} es ahora {role}; debe iniciar sesión de nuevo para usarlo.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
</context>
<context>
    <name>PasswordFields</name>
    <message>
        <source>A&amp;gain:</source>
        <translation>&amp;Repetir:</translation>
    </message>
    <message>
        <source>Again</source>
        <translation>Repetir</translation>
    </message>
    <message>
        <source>New pass&amp;word:</source>
        <translation>Nueva con&amp;traseña:</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Nueva contraseña</translation>
    </message>
</context>
<context>
    <name>VerifyDosesDialog</name>
    <message>
        <source>&amp;Sign as verified</source>
        <translation>&amp;Firmar como verificadas</translation>
    </message>
    <message>
        <source>Checking...</source>
        <translation>Comprobando...</translation>
    </message>
    <message>
        <source>Computed from: {basis}</source>
        <translation>Calculadas con: {basis}</translation>
    </message>
    <message>
        <source>Dose</source>
        <translation>Dosis</translation>
    </message>
    <message>
        <source>Doses to verify</source>
        <translation>Dosis que verificar</translation>
    </message>
    <message>
        <source>Meaning of the signature:</source>
        <translation>Significado de la firma:</translation>
    </message>
    <message>
        <source>Signatures</source>
        <translation>Firmas</translation>
    </message>
    <message>
        <source>Signed by:</source>
        <translation>Firmado por:</translation>
    </message>
    <message>
        <source>Signed.</source>
        <translation>Firmado.</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Paso</translation>
    </message>
    <message>
        <source>Type your password to sign.</source>
        <translation>Escriba su contraseña para firmar.</translation>
    </message>
    <message>
        <source>Verify doses message</source>
        <translation>Mensaje de verificación de dosis</translation>
    </message>
    <message>
        <source>Verify doses: {mrn}</source>
        <translation>Verificar dosis: {mrn}</translation>
    </message>
    <message>
        <source>Your &amp;password:</source>
        <translation>Su &amp;contraseña:</translation>
    </message>
    <message>
        <source>Your password</source>
        <translation>Su contraseña</translation>
    </message>
</context>
<context>
    <name>DataExportDialog</name>
    <message>
        <source> days from today</source>
        <translation> días desde hoy</translation>
    </message>
    <message>
        <source>&amp;Covering:</source>
        <translation>&amp;Abarca:</translation>
    </message>
    <message>
        <source>&amp;Export:</source>
        <translation>&amp;Exportar:</translation>
    </message>
    <message>
        <source>&amp;Include the Patient resource (name, MRN, date of birth)</source>
        <translation>&amp;Incluir el recurso Patient (nombre, NHC, fecha de nacimiento)</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>Idi&amp;oma:</translation>
    </message>
    <message>
        <source>&amp;Name the patient (name and MRN) in the calendar</source>
        <translation>&amp;Nombrar al paciente (nombre y NHC) en el calendario</translation>
    </message>
    <message>
        <source>&amp;Name the patients (name and MRN) in the calendar</source>
        <translation>&amp;Nombrar a los pacientes (nombre y NHC) en el calendario</translation>
    </message>
    <message>
        <source>&amp;Save...</source>
        <translation>&amp;Guardar...</translation>
    </message>
    <message>
        <source>A FHIR bundle: the plan as a CarePlan, lab results as Observations with LOINC codes, complications as Conditions with their grade.</source>
        <translation>Un bundle FHIR: el plan como CarePlan, los resultados de laboratorio como Observation con códigos LOINC, las complicaciones como Condition con su grado.</translation>
    </message>
    <message>
        <source>Calendar file (*.ics)</source>
        <translation>Archivo de calendario (*.ics)</translation>
    </message>
    <message>
        <source>Every step of every patient on the board in the days chosen, as they are now: for a calendar that subscribes to the file. Without names, each patient is shown by a reference (T-...).</source>
        <translation>Cada paso de cada paciente del tablero en los días elegidos, tal como están ahora: para un calendario que se suscribe al archivo. Sin nombres, cada paciente aparece con una referencia (T-...).</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx);;CSV file (*.csv)</source>
        <translation>Libro de Excel (*.xlsx);;Archivo CSV (*.csv)</translation>
    </message>
    <message>
        <source>Export data</source>
        <translation>Exportar datos</translation>
    </message>
    <message>
        <source>FHIR bundle (*.json)</source>
        <translation>Bundle FHIR (*.json)</translation>
    </message>
    <message>
        <source>Formula-like text is saved as text; dates are real dates in Excel.</source>
        <translation>El texto que parece una fórmula se guarda como texto; las fechas son fechas reales en Excel.</translation>
    </message>
    <message>
        <source>Not exported</source>
        <translation>No exportado</translation>
    </message>
    <message>
        <source>Not exported: the existing file was kept.</source>
        <translation>No exportado: se conservó el archivo existente.</translation>
    </message>
    <message>
        <source>Exporting...</source>
        <translation>Exportando...</translation>
    </message>
    <message>
        <source>One all-day event per date of the patient&apos;s handout. Importing a newer file moves the events when dates change, without copies.</source>
        <translation>Un evento de día completo por cada fecha de la guía del paciente. Al importar un archivo más reciente, los eventos se mueven cuando cambian las fechas, sin copias.</translation>
    </message>
    <message>
        <source>Registry forms due (spreadsheet)</source>
        <translation>Formularios de registro pendientes (hoja de cálculo)</translation>
    </message>
    <message>
        <source>The board (spreadsheet)</source>
        <translation>El tablero (hoja de cálculo)</translation>
    </message>
    <message>
        <source>The team&apos;s calendar (every patient)</source>
        <translation>El calendario del equipo (todos los pacientes)</translation>
    </message>
    <message>
        <source>This patient&apos;s calendar</source>
        <translation>El calendario de este paciente</translation>
    </message>
    <message>
        <source>This patient&apos;s plan (spreadsheet)</source>
        <translation>El plan de este paciente (hoja de cálculo)</translation>
    </message>
    <message>
        <source>This patient&apos;s record as FHIR (HL7 FHIR R4)</source>
        <translation>La historia de este paciente en FHIR (HL7 FHIR R4)</translation>
    </message>
    <message>
        <source>Today&apos;s worklist (spreadsheet)</source>
        <translation>La lista de trabajo de hoy (hoja de cálculo)</translation>
    </message>
</context>
<context>
    <name>replace_file</name>
    <message>
        <source>Replace file?</source>
        <translation>¿Sustituir el archivo?</translation>
    </message>
    <message>
        <source>{name} already exists in {folder}. Replace it?</source>
        <translation>{name} ya existe en {folder}. ¿Desea sustituirlo?</translation>
    </message>
</context>
</TS>
