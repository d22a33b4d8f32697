#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <readline/readline.h>
#include <readline/history.h>

/*
** Readline's configuration lives in C globals, which Swift 6 rejects as shared mutable state;
** these accessors import cleanly. Only the notebook's line editor uses them.
*/
/* Storage for the Lua word breaks (a function-local static imports cleanly into Swift). */
static inline char **ember_rl_lua_breaks(void) {
    static char *breaks;
    return &breaks;
}

/*
** Inside an unclosed string literal the word is the whole text after the quote (a path may
** contain '/', '.', '-' …), so readline's file-name completion gets all of it.
*/
static inline char *ember_rl_word_breaks(void) {
    char quote = 0;
    for (int i = 0; i < rl_point && rl_line_buffer[i] != '\0'; i++) {
        char c = rl_line_buffer[i];
        if (quote != 0) {
            if (c == '\\') i++;
            else if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        }
    }
    static char string_breaks[] = " \t\n\"'";
    return quote != 0 ? string_breaks : *ember_rl_lua_breaks();
}

/* Readline keeps the pointers, so the strings are copied (Swift's bridged strings are
** temporaries); the copies live as long as the process. */
static inline void ember_rl_configure(const char *name, const char *word_breaks, const char *quotes) {
    rl_readline_name = strdup(name);
    rl_catch_signals = 0; /* our SIGINT handler stays in charge (CLuaShim) */
    rl_catch_sigwinch = 1;
    *ember_rl_lua_breaks() = strdup(word_breaks);
    rl_completer_word_break_characters = *ember_rl_lua_breaks();
    rl_completion_word_break_hook = ember_rl_word_breaks;
    rl_completer_quote_characters = strdup(quotes);
    history_write_timestamps = 1; /* timestamps delimit multi-line entries in the file */
    history_multiline_entries = 1;
}
static inline void ember_rl_set_completion(rl_completion_func_t *function) {
    rl_attempted_completion_function = function;
}
/* Lua completions replace the word exactly: no fallback to file names, no appended space. */
static inline void ember_rl_completion_is_final(void) {
    rl_attempted_completion_over = 1;
    rl_completion_append_character = '\0';
    rl_completion_suppress_append = 1;
}
static inline int ember_rl_quote_character(void) { return rl_completion_quote_character; }
static inline const char *ember_rl_line_buffer(void) { return rl_line_buffer; }
static inline int ember_rl_point(void) { return rl_point; }
static inline int ember_rl_input_fd(void) { return fileno(rl_instream ? rl_instream : stdin); }
/* Ctrl-C at the prompt: drop what was typed, leave it visible, and start a fresh line. */
static inline void ember_rl_discard_line(void) {
    rl_callback_sigcleanup();
    rl_free_line_state();
    rl_replace_line("", 0);
    rl_point = rl_end = 0;
}
