"""The words careprint recognises in a guide's own text, in each language it ships.

The rules of `careprint check` that read words (pressure-words, ends-with-action,
informative-headings, link-text) and the "Try this" practices (source/practice.py) look for
phrases that only mean something in one language. Each table here is keyed by a language's
primary subtag (`es` for `es-MX`): `language_of` finds it. A language with no entry in a
table is not covered by the rule that reads it, and `careprint check` says so once
(check/registry.py, Context.not_covered) rather than passing it silently.

The sources of the pressure-word lists are in docs/checks.md (`pressure-words`, "Sources
of the list"), whose tables list every phrase here with its suggestion.
"""

from __future__ import annotations

import re

# The languages whose words careprint knows: every table below has an entry for each.
SHIPPED = ("en", "es")
NAMES = {"en": "English", "es": "Spanish"}


def language_of(tag: str) -> str:
    """The primary subtag of a BCP 47 tag, in lower case: "es-MX" -> "es"."""
    return (tag or "").strip().replace("_", "-").split("-", 1)[0].lower()


def language_name(code: str) -> str:
    """ "Spanish (es)": a language's English name and code, for a report's message."""
    name = NAMES.get(code)
    if name is None:
        from babel import Locale, UnknownLocaleError

        try:
            name = Locale.parse(code).get_display_name("en")
        except (ValueError, TypeError, UnknownLocaleError):
            name = None
    return f"{name} ({code})" if name else repr(code)


def names(codes) -> str:
    """ "English and Spanish": the languages of `codes`, in words."""
    words = [NAMES.get(c, c) for c in codes]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# Pressure words: what each phrase is, and a choice-giving wording to use instead.
# English: SAMHSA 2014; Harris & Fallot 2001, and below. Spanish: docs/checks.md.
PRESSURE_WORDS = {
    "en": {
        "must": '"you can", "you might" or "if you like"',
        "should": '"you could", "it may help to" or "some people find"',
        "have to": '"you can choose to" or "when you are ready"',
        "has to": '"can" or "may"',
        "need to": '"it may help to" or "you might"',
        "needs to": '"it may help to" or "can"',
        "ought to": '"you could" or "you might like to"',
        "supposed to": '"many people" or "you might"',
        "failure": '"a hard day" or "it did not go as hoped"',
        "fail": '"find it hard" or "it did not go as hoped"',
        "fails": '"finds it hard" or "it does not go as hoped"',
        "failed": '"found it hard" or "it did not go as hoped"',
        "failing": '"finding it hard"',
        "normal sexual function": '"what feels right for you"',
        "just relax": '"take your time; there is no goal"',
        "try harder": '"go at your own pace"',
        "don't worry": '"it is okay to feel unsure"',
        "calm down": '"take a pause if you like"',
        "get over it": '"in your own time"',
        "you will feel": '"you might notice"',
        # Phrases that push a reader past their limits (Emerson & Hopper 2011; Siegel 1999),
        # or brush a feeling aside (Linehan 1993; Elliott et al. 2005). docs/checks.md
        # (`pressure-words`, "Sources of the list") gives each source in full.
        "push through it": '"go at a pace that feels right" or "you can stop at any time"',
        "push through the pain": '"stop if it hurts"',
        "push yourself": '"go at your own pace"',
        "even if it feels hard": '"if it feels right" or "you can stop and come back later"',
        "even if it hurts": '"stop if it hurts"',
        "even if you don't want to": '"only if you want to"',
        "even if you do not want to": '"only if you want to"',
        "force yourself": '"only if it feels right"',
        "no excuses": '"whatever you can manage is enough"',
        "no pain, no gain": '"small steps count"',
        "whatever it takes": '"what feels possible for you"',
        "stay strong": '"be gentle with yourself"',
        "toughen up": '"be gentle with yourself"',
        "snap out of it": '"take the time you need"',
        "pull yourself together": '"take the time you need"',
        "you're overreacting": '"what you feel makes sense"',
        "you are overreacting": '"what you feel makes sense"',
        "it could be worse": '"this sounds hard"',
        "look on the bright side": '"it is okay to feel how you feel"',
        "you've got to": '"you can choose to"',
    },
    "es": {
        # Orders and obligations (SAMHSA 2014, TIP 57 in Spanish; García Muñoz 2012)
        "debes": '"puedes" or "si te sirve"',
        "deberías": '"podrías" or "quizá te ayude"',
        "tienes que": '"puedes elegir" or "cuando te sientas con ganas"',
        "solo tienes que": '"puedes probar a"',
        "hay que": '"puede ayudar" or "a algunas personas les sirve"',
        "tendrás que": '"puedes elegir"',
        "es fácil": '"puede llevar tiempo" or "a tu ritmo"',
        "simplemente": '"a tu ritmo", or leave the word out',
        "función sexual normal": '"lo que se siente bien para ti"',
        "fracaso": '"un día difícil" or "no salió como esperabas"',
        "fracasar": '"te resulte difícil" or "no salga como esperabas"',
        "fracasaste": '"te resultó difícil" or "no salió como esperabas"',
        "fracasado": '"te ha resultado difícil"',
        "vas a sentir": '"puede que notes"',
        "sentirás": '"puede que notes"',
        # Phrases that push past a limit (Emerson & Hopper 2011) or brush a feeling aside
        # (Linehan 1993), as Spanish speakers say them
        "esfuérzate": '"ve a tu ritmo"',
        "inténtalo más": '"ve a tu ritmo"',
        "aguanta": '"puedes parar cuando quieras"',
        "aunque te cueste": '"si te parece bien" or "puedes parar y volver más tarde"',
        "aunque duela": '"para si duele"',
        "aunque no quieras": '"solo si quieres"',
        "oblígate": '"solo si te parece bien"',
        "fuérzate": '"solo si te parece bien"',
        "sin excusas": '"lo que puedas hacer es suficiente"',
        "sin dolor no hay ganancia": '"los pasos pequeños cuentan"',
        "cueste lo que cueste": '"lo que te resulte posible"',
        "tienes que ser fuerte": '"trátate con cariño"',
        "sé fuerte": '"trátate con cariño"',
        "supéralo": '"a tu tiempo"',
        "relájate": '"tómate tu tiempo; no hay ninguna meta"',
        "cálmate": '"haz una pausa si quieres"',
        "tranquilízate": '"haz una pausa si quieres"',
        "no te preocupes": '"está bien sentir dudas"',
        "no pasa nada": '"lo que sientes tiene sentido"',
        "estás exagerando": '"lo que sientes tiene sentido"',
        "exageras": '"lo que sientes tiene sentido"',
        "podría ser peor": '"esto suena difícil"',
        "mira el lado bueno": '"está bien sentir lo que sientes"',
        "mira el lado positivo": '"está bien sentir lo que sientes"',
    },
}
# A negation just before a phrase gives permission ("you do not have to", "no tienes que")...
NEGATION = {
    "en": re.compile(r"(\bnot|n't|\bnever|\bno one|\bnobody|\bno need)\s+$", re.I),
    "es": re.compile(r"(\bno|\bnunca|\bnadie|\bni|\btampoco|\bsin)\s+$", re.I),
}
# ...except before these, where it forbids instead ("no debes": you must not)
NEGATION_FORBIDS = {"en": frozenset(), "es": frozenset({"debes", "deberías"})}
# What follows a phrase can change what it means. "debes" is "you must" before a verb
# ("debes hacerlo") and "you owe" before a noun ("les debes contacto", "no le debes a
# nadie la historia"); "es fácil confundirlos" (it is easy to mix them up) and "no pasa
# nada malo" (nothing bad is happening) describe, and press nobody. A phrase of
# PRESSED_BEFORE counts only when what follows it matches; one of EXCUSED_BEFORE not
# when what follows it matches.
_INFINITIVE = r"\s+\w+?(?:ar|er|ir|ír)(?:me|te|se|lo|la|le|nos|os|los|las|les)?\b"
PRESSED_BEFORE = {"en": {}, "es": {"debes": re.compile(_INFINITIVE, re.I),
                                   "deberías": re.compile(_INFINITIVE, re.I)}}
EXCUSED_BEFORE = {"en": {}, "es": {"es fácil": re.compile(_INFINITIVE, re.I),
                                   "no pasa nada": re.compile(r"\s+\w", re.I)}}

# Headings that say nothing about what follows.
GENERIC_HEADINGS = {
    "en": [
        "introduction", "intro", "overview", "background", "summary", "conclusion",
        "conclusions", "information", "more information", "further information", "other",
        "others", "miscellaneous", "misc", "notes", "details", "general", "about", "content",
        "text", "untitled", "heading", "section", "chapter", "part",
    ],
    "es": [
        "introducción", "intro", "presentación", "panorama general", "antecedentes",
        "resumen", "conclusión", "conclusiones", "información", "más información",
        "información adicional", "otros", "otras", "otro", "varios", "miscelánea", "notas",
        "detalles", "general", "acerca de", "sobre", "contenido", "texto", "sin título",
        "encabezado", "título", "sección", "capítulo", "parte",
    ],
}
# Link texts that make no sense on their own (a screen reader lists links out of context).
GENERIC_LINK_TEXT = {
    "en": [
        "click here", "click", "here", "tap here", "press here", "this link", "link",
        "this", "this page", "read more", "more", "learn more", "more info", "go", "website",
    ],
    "es": [
        "haz clic aquí", "clic aquí", "pulsa aquí", "toca aquí", "clic", "aquí", "este enlace",
        "enlace", "esto", "esta página", "leer más", "lee más", "más", "saber más",
        "más información", "más info", "ir", "sitio web", "página web", "web",
    ],
}
# How a chapter's last section can offer the reader something to do: the start of its
# heading (ignoring case). Spanish: the practice's heading, and imperatives and
# invitations that open one ("Anota tres cosas", "Si quieres, ...").
ACTION_HEADINGS = {
    "en": ["Try this", "Practice", "Something to try", "Your next step", "Next step"],
    "es": ["Prueba esto", "Prueba a ", "Prueba con", "Pruébalo", "Práctica",
           "Algo que probar", "Tu próximo paso", "Próximo paso", "Tu siguiente paso",
           "Siguiente paso", "Puedes", "Si quieres", "Si te apetece", "Anota", "Elige",
           "Escribe", "Dibuja", "Completa", "Vuelve a", "Planea", "Haz un", "Haz una",
           "Ejercicio"],
}
# A practice set apart as a panel (source/practice.py) and a handout's default practice
# (render/handout_sections.py): a section heading that starts so, in any shipped language.
PRACTICE_HEADINGS = {"en": "Try this", "es": "Prueba esto"}
