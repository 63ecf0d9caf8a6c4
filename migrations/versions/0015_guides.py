"""role guides, meeting outlines, themes and online links

Revision ID: 0015_guides
Revises: 0013_charter
Create Date: 2026-12-10 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_guides'
down_revision = '0013_charter'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('role_types', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guide', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outline', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('online_link', sa.String(length=300), nullable=False, server_default=''))
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('theme', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('outline', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('online_link', sa.String(length=300), nullable=True))

    _default_guides_for_existing_roles()


# The usual roles of groups created before guides existed get the guide the
# app gives a new group, as written when this revision was (a data migration
# is frozen): matched by the role's name (as revision 0004 or the app named
# it) in the group's language, only where the role has no guide yet.
DEFAULT_GUIDES = {
    'fr': [
        (['Animation'], "Avant la rencontre\u202f:\n- Relire le thème de la soirée et les règles du groupe.\n- Arriver dix minutes en avance et vérifier que la salle est prête.\nPendant la rencontre\u202f:\n- Ouvrir par un tour de table\u202f: chaque personne donne son prénom et, si elle le souhaite, dit comment elle va aujourd'hui.\n- Rappeler que ce qui se dit ici reste ici.\n- Garder le fil du thème\u202f; ramener doucement l'échange quand il s'en éloigne.\n- Donner la parole à tout le monde\u202f: parler n'est jamais une obligation, et on ne reprend pas la parole avant que chaque personne qui le souhaite ait pu s'exprimer.\n- Clore par un tour de table (ce que j'emporte ce soir), puis annoncer les prochaines dates.\nAprès la rencontre\u202f:\n- Transmettre à la personne qui anime la prochaine fois ce qui est utile à savoir."),
        (['Gardien·ne du temps', 'Gestion du temps'], 'Avant la rencontre\u202f:\n- Prendre une montre, ou un téléphone en mode silencieux.\n- Convenir avec la personne qui anime du temps de chaque partie de la soirée.\nPendant la rencontre\u202f:\n- Signaler discrètement quand une partie touche à sa fin.\n- Aider à partager le temps pour que chaque personne puisse parler, sans couper la parole.\n- Annoncer la pause, puis le tour de clôture dix minutes avant la fin.\nAprès la rencontre\u202f:\n- Dire à la personne qui anime ce qui a bien fonctionné avec le temps et ce qui pourrait changer.'),
        (['Accueil'], "Avant la rencontre\u202f:\n- Vérifier si une nouvelle personne est attendue, et arriver un peu en avance.\nPendant la rencontre\u202f:\n- Accueillir la nouvelle personne à la porte, se présenter par son prénom, lui montrer où s'asseoir.\n- Expliquer comment se passe une soirée\u202f: les tours de table, la pause, et que parler n'est jamais une obligation.\n- Expliquer la charte du groupe\u202f: la confidentialité, parler en «\u202fje\u202f», écouter sans interrompre, pas de conseils sauf si on les demande.\nAprès la rencontre\u202f:\n- Demander à la nouvelle personne comment elle a vécu la soirée et lui donner la prochaine date."),
        (['Notes', 'Prise de notes'], "Avant la rencontre\u202f:\n- Prendre de quoi écrire\u202f; relire les dernières notes.\nPendant la rencontre\u202f:\n- Noter les décisions, les points pratiques et les prochaines dates.\n- Ne jamais noter ce que les personnes ont partagé, ni qui a dit quoi sur soi.\n- Ne pas noter qui était présent ou présente.\nAprès la rencontre\u202f:\n- Transmettre les notes au groupe dans la semaine\u202f; n'en garder aucune autre copie."),
        (['Salle et clés'], "Avant la rencontre\u202f:\n- Aller chercher les clés et arriver assez tôt pour ouvrir la salle.\n- Aérer, disposer les chaises en cercle, préparer de l'eau ou du thé.\nPendant la rencontre\u202f:\n- Garder la porte fermée pour que personne n'entre par erreur.\nAprès la rencontre\u202f:\n- Ranger, éteindre les lumières, fermer les fenêtres, fermer à clé.\n- Rapporter les clés ou les remettre à la personne suivante."),
    ],
    'it': [
        (['Conduzione', 'Moderazione'], "Prima dell'incontro:\n- Rileggere il tema della serata e le regole del gruppo.\n- Arrivare dieci minuti prima e controllare che la sala sia pronta.\nDurante l'incontro:\n- Aprire con un giro di parola: ognuno dice il proprio nome e, se lo desidera, come sta oggi.\n- Ricordare che ciò che si dice qui resta qui.\n- Restare sul tema; riportare con delicatezza lo scambio quando se ne allontana.\n- Dare la parola a tutti: nessuno è obbligato a parlare, e nessuno riprende la parola prima che abbia potuto esprimersi chi lo desidera.\n- Chiudere con un giro di parola (cosa porto con me stasera), poi annunciare le prossime date.\nDopo l'incontro:\n- Dire a chi modera la prossima volta ciò che è utile sapere."),
        (['Gestione del tempo', 'Tempo'], "Prima dell'incontro:\n- Portare un orologio, o un telefono in modalità silenziosa.\n- Accordarsi con chi modera sul tempo di ogni parte della serata.\nDurante l'incontro:\n- Segnalare con discrezione quando una parte sta per finire.\n- Aiutare a dividere il tempo perché tutti possano parlare, senza interrompere nessuno.\n- Annunciare la pausa, e il giro di chiusura dieci minuti prima della fine.\nDopo l'incontro:\n- Dire a chi modera cosa ha funzionato con i tempi e cosa si potrebbe cambiare."),
        (['Accoglienza'], "Prima dell'incontro:\n- Verificare se è attesa una persona nuova, e arrivare un po' prima.\nDurante l'incontro:\n- Accogliere la persona nuova alla porta, presentarsi con il proprio nome, mostrarle dove sedersi.\n- Spiegare come si svolge una serata: i giri di parola, la pausa, e che nessuno è obbligato a parlare.\n- Spiegare la carta del gruppo: la riservatezza, parlare in prima persona, ascoltare senza interrompere, niente consigli se non richiesti.\nDopo l'incontro:\n- Chiedere alla persona nuova come si è trovata e dirle la prossima data."),
        (['Appunti'], "Prima dell'incontro:\n- Portare qualcosa per scrivere; rileggere gli ultimi appunti.\nDurante l'incontro:\n- Annotare le decisioni, gli aspetti pratici e le prossime date.\n- Non annotare mai ciò che le persone hanno condiviso, né chi ha detto cosa di sé.\n- Non elencare chi era presente.\nDopo l'incontro:\n- Inviare gli appunti al gruppo entro la settimana; non tenerne altre copie."),
        (['Sala e chiavi'], "Prima dell'incontro:\n- Ritirare le chiavi e arrivare abbastanza presto per aprire la sala.\n- Arieggiare, disporre le sedie in cerchio, preparare acqua o tè.\nDurante l'incontro:\n- Tenere la porta chiusa perché nessuno entri per sbaglio.\nDopo l'incontro:\n- Riordinare, spegnere le luci, chiudere le finestre, chiudere a chiave.\n- Riportare le chiavi o consegnarle alla persona successiva."),
    ],
    'de': [
        (['Moderation'], 'Vor dem Treffen:\n- Das Thema des Abends und die Regeln der Gruppe nochmals lesen.\n- Zehn Minuten früher da sein und schauen, ob der Raum bereit ist.\nWährend des Treffens:\n- Mit einer Runde beginnen: Alle sagen ihren Vornamen und, wenn sie möchten, wie es ihnen heute geht.\n- Daran erinnern, dass, was hier gesagt wird, hier bleibt.\n- Beim Thema bleiben; das Gespräch sanft zurückholen, wenn es abschweift.\n- Allen das Wort geben: Niemand muss sprechen, und niemand spricht ein zweites Mal, bevor alle, die möchten, an der Reihe waren.\n- Mit einer Runde abschliessen (was ich heute mitnehme), dann die nächsten Daten ansagen.\nNach dem Treffen:\n- Der Person, die das nächste Mal moderiert, sagen, was gut zu wissen ist.'),
        (['Zeitwache'], 'Vor dem Treffen:\n- Eine Uhr mitnehmen oder ein Telefon auf lautlos.\n- Mit der Moderation die Zeit für jeden Teil des Abends abmachen.\nWährend des Treffens:\n- Diskret Zeichen geben, wenn ein Teil bald zu Ende ist.\n- Helfen, die Zeit so zu teilen, dass alle sprechen können, ohne jemanden zu unterbrechen.\n- Die Pause ansagen, und zehn Minuten vor Schluss die Schlussrunde.\nNach dem Treffen:\n- Der Moderation sagen, was mit der Zeit gut ging und was man ändern könnte.'),
        (['Begrüssung'], 'Vor dem Treffen:\n- Nachschauen, ob eine neue Person erwartet wird, und etwas früher da sein.\nWährend des Treffens:\n- Die neue Person an der Tür begrüssen, sich mit dem Vornamen vorstellen, ihr einen Platz zeigen.\n- Erklären, wie ein Abend abläuft: die Runden, die Pause, und dass niemand sprechen muss.\n- Die Charta der Gruppe erklären: Vertraulichkeit, in der Ich-Form sprechen, zuhören ohne zu unterbrechen, keine Ratschläge, ausser man wird darum gebeten.\nNach dem Treffen:\n- Die neue Person fragen, wie es für sie war, und ihr das nächste Datum sagen.'),
        (['Protokoll'], 'Vor dem Treffen:\n- Etwas zum Schreiben mitnehmen; die letzten Notizen nochmals lesen.\nWährend des Treffens:\n- Entscheide, praktische Punkte und die nächsten Daten aufschreiben.\n- Nie aufschreiben, was jemand erzählt hat, noch wer was über sich gesagt hat.\n- Keine Liste der Anwesenden führen.\nNach dem Treffen:\n- Die Notizen innerhalb einer Woche der Gruppe schicken; keine weitere Kopie behalten.'),
        (['Raum und Schlüssel'], 'Vor dem Treffen:\n- Die Schlüssel holen und früh genug da sein, um den Raum zu öffnen.\n- Lüften, die Stühle im Kreis aufstellen, Wasser oder Tee bereitstellen.\nWährend des Treffens:\n- Die Tür geschlossen halten, damit niemand aus Versehen hereinkommt.\nNach dem Treffen:\n- Aufräumen, das Licht löschen, die Fenster schliessen, abschliessen.\n- Die Schlüssel zurückbringen oder der nächsten Person übergeben.'),
    ],
}


def _default_guides_for_existing_roles():
    conn = op.get_bind()
    roles = sa.table("role_types", sa.column("id"), sa.column("group_id"), sa.column("name"), sa.column("guide"))
    groups = sa.table("groups", sa.column("id"), sa.column("language"))
    for language, entries in DEFAULT_GUIDES.items():
        group_ids = sa.select(groups.c.id).where(groups.c.language == language)
        for names, guide in entries:
            conn.execute(
                roles.update()
                .where(roles.c.group_id.in_(group_ids), roles.c.name.in_(names), roles.c.guide == "")
                .values(guide=guide)
            )


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('online_link')
        batch_op.drop_column('outline')
        batch_op.drop_column('theme')
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_column('online_link')
        batch_op.drop_column('outline')
    with op.batch_alter_table('role_types', schema=None) as batch_op:
        batch_op.drop_column('guide')
