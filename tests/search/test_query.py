from smartregion.search.query import MAX_LENGTH, clean, spelling_variant, words


def test_clean_collapses_whitespace_and_drops_control_characters():
    assert clean("  Digitale\t\nVerwaltung\x00 \x07") == "Digitale Verwaltung"


def test_clean_keeps_emoji_and_right_to_left_text():
    assert clean("Smart 😀 مدينة ذكية עיר") == "Smart 😀 مدينة ذكية עיר"


def test_clean_cuts_overlong_queries_at_a_word_boundary():
    text = clean("Digitalisierung " * 1000)
    assert len(text) <= MAX_LENGTH
    assert text.endswith("Digitalisierung")
    assert clean("a" * 10_000) == "a" * MAX_LENGTH


def test_clean_of_nothing_is_empty():
    assert clean(None) == clean("") == clean("   ") == ""


def test_spelling_variant_writes_umlauts_for_ae_oe_ue():
    assert spelling_variant("Muenster Aerzte Koeln") == "Münster Ärzte Köln"


def test_spelling_variant_leaves_words_alone_where_ue_is_no_umlaut():
    assert spelling_variant("neue Steuer Feuer Quelle") is None


def test_spelling_variant_never_touches_excluded_words():
    assert spelling_variant("Digitalisierung -Muenster") is None
    assert spelling_variant('Muenster -"Gruene Wiese"') == 'Münster -"Gruene Wiese"'


def test_words_are_the_searched_words_only():
    assert words('"digitale Verwaltung" -Papier Akte OR Ordner E-Government') == [
        "digitale",
        "Verwaltung",
        "Akte",
        "Ordner",
        "E-Government",
    ]
