#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

/*
** Readline's configuration lives in C globals, which Swift 6 rejects as shared mutable state;
** these accessors import cleanly. Only the notebook's line editor uses them.
*/
static inline void ember_rl_configure(const char *name, const char *word_breaks, const char *quotes) {
    rl_readline_name = name;
    rl_catch_signals = 0; /* our SIGINT handler stays in charge (CLuaShim) */
    rl_catch_sigwinch = 1;
    rl_completer_word_break_characters = word_breaks;
    rl_completer_quote_characters = quotes;
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
