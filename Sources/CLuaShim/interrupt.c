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
    if (lua_gethook(L) == interrupt_hook) /* a user's debug.sethook stays */
        lua_sethook(L, NULL, 0, 0);
}

int ember_interrupt_pending(void) { return *interrupt_flag != 0; }
void ember_interrupt_clear(void) { *interrupt_flag = 0; }

void ember_interrupt_request(void) {
    *interrupt_flag = 1;
    arm_hook();
}

unsigned long ember_sigint_count(void) { return (unsigned long)sigint_total; }

/* {====== coroutines ======
** Hooks are per thread, and a coroutine resumed during a cell runs on its own thread: the
** resume functions are wrapped so that, while a cell runs, the handler's target is the
** thread actually executing.
*/

/* Calls the function at upvalue `fn` with the arguments on the stack while `co` is the hook
** target; restores the previous target even when the call fails, then re-raises. */
static int call_tracked(lua_State *L, int fn, lua_State *co) {
    int nargs = lua_gettop(L);
    lua_State *previous = hook_target;
    if (previous != NULL && co != NULL) {
        hook_target = co;
        if (*interrupt_flag)
            arm_hook();
    }
    lua_pushvalue(L, lua_upvalueindex(fn));
    lua_insert(L, 1);
    int status = lua_pcall(L, nargs, LUA_MULTRET, 0);
    hook_target = previous;
    if (*interrupt_flag)
        arm_hook(); /* the caller stops too, even if resume caught the error */
    if (status != LUA_OK)
        return lua_error(L);
    return lua_gettop(L);
}

/* coroutine.resume(co, ...): upvalue 1 is the original. */
static int tracked_resume(lua_State *L) {
    return call_tracked(L, 1, lua_tothread(L, 1));
}

/* The function coroutine.wrap returns: upvalue 1 the original wrapper, 2 its coroutine. */
static int tracked_wrapped(lua_State *L) {
    return call_tracked(L, 1, lua_tothread(L, lua_upvalueindex(2)));
}

/* coroutine.wrap(f): upvalue 1 is the original; its result keeps the coroutine as upvalue 1. */
static int tracked_wrap(lua_State *L) {
    lua_settop(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 1, 1); /* the original wrapper */
    lua_getupvalue(L, -1, 1); /* its coroutine */
    lua_pushcclosure(L, tracked_wrapped, 2);
    return 1;
}

void ember_track_coroutines(lua_State *L) {
    if (lua_getglobal(L, "coroutine") == LUA_TTABLE) {
        lua_getfield(L, -1, "resume");
        lua_pushcclosure(L, tracked_resume, 1);
        lua_setfield(L, -2, "resume");
        lua_getfield(L, -1, "wrap");
        lua_pushcclosure(L, tracked_wrap, 1);
        lua_setfield(L, -2, "wrap");
    }
    lua_pop(L, 1);
}
/* }====== */
