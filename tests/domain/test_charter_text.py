"""A charter's key rules, for the facilitator's card."""

from facilitator.domain.charter_text import MAX_RULES, RULE_MAX, KeyRules, key_rules

CHARTER = """We are a self-help group.

**Confidentiality**

- **What is said here stays here.** Outside, we never tell whom we met.
- Who comes stays here too.

**Speaking**
- **We speak for ourselves**: "I", not "you".
- We listen *without* interrupting, **always**.
"""


def test_the_bold_words_at_the_start_of_a_list_item_are_the_key_rules():
    assert key_rules(CHARTER) == KeyRules(
        ("What is said here stays here.", "We speak for ourselves"), marked=True
    )


def test_a_charter_that_marks_no_rule_gives_its_parts_headings():
    plain = CHARTER.replace("**What is said here stays here.**", "Here.").replace(
        "**We speak for ourselves**", "We"
    )
    assert key_rules(plain) == KeyRules(("Confidentiality", "Speaking"), marked=False)


def test_bold_inside_a_line_a_half_bold_paragraph_or_plain_text_is_no_rule():
    assert not key_rules("Plain text.\n\n- a **bold** word\n\n**Half** bold")
    assert not key_rules("")
    assert key_rules("   \n\n") == KeyRules()


def test_a_heading_name_loses_its_colon_and_line_breaks_become_spaces():
    text = "**Confidentialité\u00a0:**\n\n- **Ce qui se dit\nreste ici** : toujours."
    assert key_rules(text).rules == ("Ce qui se dit reste ici",)
    assert key_rules("**Confidentialité\u00a0:**\n\n- rien").rules == ("Confidentialité",)


def test_only_the_first_paragraph_of_an_item_counts_and_nested_items_count_too():
    text = "- first\n\n  **not a rule**\n- **Top**\n  - **Nested**\n\n    **not either**"
    assert key_rules(text).rules == ("Top", "Nested")


def test_at_most_six_rules_each_cut_at_a_word_to_fit_the_card():
    many = "\n".join(f"- **Rule {n}**" for n in range(10))
    assert key_rules(many).rules == tuple(f"Rule {n}" for n in range(MAX_RULES))
    long = "- **" + "word, " * 60 + "end**"
    (rule,) = key_rules(long).rules
    assert len(rule) <= RULE_MAX and rule.endswith("word…")


def test_markup_stays_text_for_the_template_to_escape():
    assert key_rules("- **<script>x</script> & co**").rules == ("<script>x</script> & co",)
