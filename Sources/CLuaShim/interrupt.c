/*
** Ctrl-C (LUA.md 3.4). The SIGINT handler never touches the Lua state beyond lua_sethook,
** which ldebug.c allows from a signal handler. It stores 1 in the flag native loops poll
** and, while a cell runs, sets a count hook on the cell's thread; the hook raises
** "interrupted" at the next Lua instruction. The handler stays installed, so a second
** Ctrl-C never kills the process; at the prompt the REPL sees the count change.
*/
#include <signal.h>
#include <string.h>
#include "CLuaShim.h"

static int own_flag;
static int *volatile interrupt_flag = &own_flag;
static lua_State *volatile hook_target;
static volatile sig_atomic_t sigint_total;

/*
** The hook stays set while the flag is: if user code catches the error with pcall, the
** next instruction raises it again, so the cell really stops.
*/
static void interrupt_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    if (!*interrupt_flag) {
        lua_sethook(L, NULL, 0, 0);
        return;
    }
    luaL_where(L, 0); /* level 0 is the interrupted Lua function itself (as LuaJIT does) */
    lua_pushstring(L, "interrupted");
    lua_concat(L, 2);
    lua_error(L);
}

int ember_raise_interrupt(lua_State *L) { return luaL_error(L, "interrupted"); }

static void arm_hook(void) {
    lua_State *L = hook_target;
    if (L != NULL)
        lua_sethook(L, interrupt_hook, LUA_MASKCOUNT, 1);
}

static void on_sigint(int sig) {
    (void)sig;
    *interrupt_flag = 1;
    sigint_total++;
    arm_hook();
}

void ember_interrupt_install(int *flag) {
    if (flag != NULL)
        interrupt_flag = flag;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART; /* poll() at the prompt still returns EINTR */
    sigaction(SIGINT, &action, NULL);
}

void ember_interrupt_arm(lua_State *L) {
    hook_target = L;
    if (*interrupt_flag) /* Ctrl-C arrived between clearing and arming */
        arm_hook();
}

void ember_interrupt_disarm(lua_State *L) {
    hook_target = NULL; /* first, so a late signal cannot set the hook again */
    lua_sethook(L, NULL, 0, 0);
}

int ember_interrupt_pending(void) { return *interrupt_flag != 0; }
void ember_interrupt_clear(void) { *interrupt_flag = 0; }

void ember_interrupt_request(void) {
    *interrupt_flag = 1;
    arm_hook();
}

unsigned long ember_sigint_count(void) { return (unsigned long)sigint_total; }
