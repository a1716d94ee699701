#!/bin/sh
# The training options agree wherever they are written: the library's
# table (walked by tests/list-options through sentiment_option_next()),
# sentiment-train --help, sentiment-train(1) and sentiment_trainer_set(3)
# name the same options with the same defaults.  A flag on by default is
# --no-NAME on the command line; the command line's own options (-o,
# --valid, --log...) are in --help and sentiment-train(1) alike.
. "${top_srcdir:-.}/tests/lib.sh"

"$top_builddir/tests/list-options" >"$WORK/table" ||
    { fail "tests/list-options failed"; finish; }
count=$(wc -l <"$WORK/table")
if [ "$count" -ge 30 ]; then
    pass "the library lists $count training options"
else
    fail "the library lists only $count training options"
fi
$RUN "$TRAIN" --help >"$WORK/help" || fail "sentiment-train --help failed"
long=$(awk 'length > 80' "$WORK/help")
if [ -z "$long" ]; then
    pass "sentiment-train --help is wrapped at 80 columns"
else
    fail "sentiment-train --help has lines over 80 columns:"
    printf '%s\n' "$long" | sed 's/^/    /'
fi

# One line per option entry, "NAME<TAB>its text on one line", of --help:
# an entry starts at a line whose first non-blank is "-".
awk '/^ *-/ { if (name != "") print name "\t" text
              match($0, /--[a-z][a-z-]*/); name = substr($0, RSTART + 2, RLENGTH - 2)
              text = $0; next }
     /^      / && name != "" { text = text " " $0; next }
     { if (name != "") print name "\t" text; name = "" }
     END { if (name != "") print name "\t" text }' "$WORK/help" |
    tr -s ' ' >"$WORK/help.entries"

# The same of a man page's .TP entries in section SECTION, roff taken
# out, with a third field, the tag line: the name is the first --option
# of the tag line when DASHES is 1, or else its first word.
entries() {
    sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(ha/^/g' -e 's/\\(mu/x/g' \
        -e 's/\\~/ /g' -e 's/\\&//g' -e 's/\\c$//' "$1" |
    awk -v section="$2" -v dashes="$3" '
        /^\.SH/ { if (name != "") print name "\t" text "\t" names; name = ""
                  on = section == "" || $0 ~ "^\\.SH " section; next }
        !on { next }
        /^\.TP/ { if (name != "") print name "\t" text "\t" names; name = ""; tag = 1; next }
        tag { tag = 0; line = $0; sub(/^\.[A-Z]+ /, "", line); gsub(/"/, "", line)
              if (dashes) { if (!match(line, /--[a-z][a-z-]*/)) next
                            name = substr(line, RSTART + 2, RLENGTH - 2) }
              else { name = line; sub(/[ ,].*/, "", name) }
              names = line; text = line; next }
        name != "" { line = $0; sub(/^\.[A-Z]+ ?/, "", line); gsub(/"/, "", line)
                     text = text " " line }
        END { if (name != "") print name "\t" text "\t" names }' | tr -s ' '
}
entries "$top_srcdir/man/sentiment-train.1.in" OPTIONS 1 >"$WORK/man1.entries"
entries "$top_srcdir/man/sentiment_trainer_set.3.in" DESCRIPTION 0 >"$WORK/man3.entries"

# has_default FILE ENTRY DEFAULT: the text of ENTRY gives DEFAULT as
# "(default D", "default D", "D (default" or "D (the default".
has_default() {
    awk -F '\t' -v e="$2" -v d="$3" '
        $1 == e && (index($2, "default " d) || index($2, d " (default") ||
                    index($2, d " (the default")) { found = 1 }
        END { exit !found }' "$1"
}
# The entry of option $2 in the entries $1: the one it names, or the one
# whose tag line (the third field) names it among others, as the rules
# of the tokenizer do: "html, placeholders, ... (default 1 each)".
entry_of() {
    awk -F '\t' -v n="$2" '$1 == n { print $1; found = 1; exit }
        { split($3, w, /[ ,]+/); for (i in w) if (w[i] == n) tag = tag ? tag : $1 }
        END { if (!found && tag) print tag }' "$1"
}

while IFS='	' read -r name type default in_model; do
    cli=$name
    [ "$type" = flag ] && [ "$default" = 1 ] && cli=no-$name
    check_default=1
    { [ "$type" = flag ] || [ "$default" = - ]; } && check_default=0
    for where in help man1; do
        file=$WORK/$where.entries
        label=$([ "$where" = help ] && echo "sentiment-train --help" || echo "sentiment-train(1)")
        if ! cut -f 1 "$file" | grep -q -x -e "$cli"; then
            fail "$label has no --$cli (the table's $name)"
        elif [ "$check_default" = 0 ]; then
            pass "$label has --$cli"
        elif has_default "$file" "$cli" "$default"; then
            pass "$label has --$cli, default $default"
        else
            fail "$label has --$cli, but not its default $default:"
            grep "^$cli	" "$file" | cut -f 2 | sed 's/^/    /'
        fi
    done
    entry=$(entry_of "$WORK/man3.entries" "$name")
    if [ -z "$entry" ]; then
        fail "sentiment_trainer_set(3) does not list $name"
    elif [ "$default" = - ] || has_default "$WORK/man3.entries" "$entry" "$default"; then
        pass "sentiment_trainer_set(3) lists $name, default $default"
    else
        fail "sentiment_trainer_set(3) lists $name, but not its default $default"
    fi
done <"$WORK/table"

# No option in one of them that the others lack: what --help offers,
# sentiment-train(1) describes, and what sentiment_trainer_set(3) lists is
# in the table.
cut -f 1 "$WORK/help.entries" | sort >"$WORK/help.names"
cut -f 1 "$WORK/man1.entries" | sort >"$WORK/man1.names"
if cmp -s "$WORK/help.names" "$WORK/man1.names"; then
    pass "sentiment-train --help and sentiment-train(1) give the same $(wc -l <"$WORK/help.names") options"
else
    fail "sentiment-train --help (<) and sentiment-train(1) (>) differ:"
    diff "$WORK/help.names" "$WORK/man1.names" | grep '^[<>]' | sed 's/^/    /'
fi
cut -f 1 "$WORK/table" | sort >"$WORK/table.names"
for name in $(cut -f 1 "$WORK/man3.entries"); do
    grep -q -x -e "$name" "$WORK/table.names" ||
        fail "sentiment_trainer_set(3) lists $name, which is no option of the table"
done

finish
