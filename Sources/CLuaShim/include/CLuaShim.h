/*
** CLuaShim: the only C that Ember writes (DESIGN.md §1, §4).
**
** 1. Function-like macros of lua.h/lauxlib.h, which Swift cannot import, as inline functions.
** 2. The trampoline: Swift functions are entered from C and report failure with a status code;
**    C raises the Lua error after Swift has returned, so `longjmp` never crosses Swift frames.
** 3. Protected wrappers for API calls that may run metamethods (and so may raise).
** 4. The message handler that appends a traceback, and the warning function.
** 5. The SIGINT handler and the interrupt hook.
** 6. The helper that copies a cell's top-level locals into the globals.
*/
#ifndef CLUASHIM_H
#define CLUASHIM_H

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>

/* {====== macros as functions ====== */
static inline int ember_registry_index(void) { return LUA_REGISTRYINDEX; }
static inline int ember_upvalue_index(int i) { return lua_upvalueindex(i); }
static inline void ember_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void ember_newtable(lua_State *L) { lua_newtable(L); }
static inline void ember_insert(lua_State *L, int idx) { lua_insert(L, idx); }
static inline void ember_remove(lua_State *L, int idx) { lua_remove(L, idx); }
static inline void ember_replace(lua_State *L, int idx) { lua_replace(L, idx); }
static inline int ember_pcall(lua_State *L, int nargs, int nresults, int msgh) {
    return lua_pcall(L, nargs, nresults, msgh);
}
static inline void *ember_get_owner(lua_State *L) { return *(void **)lua_getextraspace(L); }
static inline void ember_set_owner(lua_State *L, void *owner) { *(void **)lua_getextraspace(L) = owner; }
/* The release of the Lua headers Ember was built with, e.g. "Lua 5.4.4". */
static inline const char *ember_lua_release(void) { return LUA_RELEASE; }
/* Aborts (via the panic function) if the headers and the linked liblua disagree. */
static inline void ember_check_version(lua_State *L) { luaL_checkversion(L); }
/* Writes to C's stdout (the stream Lua's libraries use) and flushes; Swift 6 cannot name it. */
static inline void ember_write_stdout(const char *text, size_t length) {
    fwrite(text, 1, length, stdout);
    fflush(stdout);
}
/* lua_gc is variadic, which Swift cannot call. */
void ember_gc_generational(lua_State *L);
void ember_gc_stop(lua_State *L);
void ember_gc_restart(lua_State *L);
void ember_gc_collect(lua_State *L);
/* Adds `kb` KiB of debt so the collector runs sooner (native memory the GC cannot see). */
void ember_gc_step(lua_State *L, int kb);
/* Lua heap in use, in bytes. */
size_t ember_gc_bytes(lua_State *L);
/* }====== */

/* {====== the Swift boundary ====== */

/* Status codes a Swift function returns instead of a result count. */
#define EMBER_RAISE_MESSAGE   (-1) /* top: message string; raised with the caller's position */
#define EMBER_RAISE_ARGUMENT  (-2) /* top: message, below it: argument index (integer)       */
#define EMBER_RAISE_VALUE     (-3) /* top: any value, raised unchanged                        */
#define EMBER_RAISE_INTERRUPT (-4) /* raise the same "interrupted" error as the hook          */

/* Runs the Swift function `box` on `L`; returns a result count or an EMBER_RAISE_* status. */
typedef int (*ember_dispatch_fn)(lua_State *L, void *box);
/* Releases a retained Swift object (function box or userdata payload). Never touches Lua. */
typedef void (*ember_release_fn)(void *object);
/* Receives one complete warning message. */
typedef void (*ember_warn_fn)(void *owner, const char *message);

/* Installs the Swift side of the boundary; called once per process before any state exists. */
void ember_set_callbacks(ember_dispatch_fn dispatch, ember_release_fn release, ember_warn_fn warn);

/*
** Pushes a Lua function that runs the Swift function `box` (retained; released by the
** function's finalizer). `name` ("tensor.zeros") is what argument errors call the function.
*/
void ember_push_function(lua_State *L, void *box, const char *name);

/*
** Pushes a new userdata holding the retained Swift object `object` and sets the metatable
** registered under `tname`. The finalizer releases the object.
*/
void ember_push_object(lua_State *L, void *object, const char *tname);

/*
** The object slot of the userdata at `idx` when its metatable is the one registered under
** `tname`; NULL otherwise. The slot holds NULL once the object was closed.
*/
void **ember_object_slot(lua_State *L, int idx, const char *tname);

/* Creates (or fetches) the metatable `tname` and fills the fields every Ember type shares. */
void ember_new_type_metatable(lua_State *L, const char *tname);

/* Releases the object in the slot at `idx` (if any) and clears the slot. */
void ember_release_slot(lua_State *L, int idx, const char *tname);
/* }====== */

/* {====== protected operations: each returns a lua_pcall status ====== */
/* Pushes luaL_tolstring of the value at idx (honours __tostring and __name). */
int ember_ptolstring(lua_State *L, int idx);
/* Pushes t[k] where t is at idx and k is on top (popped). May run __index. */
int ember_pgettable(lua_State *L, int idx);
/* t[k] = v where t is at idx and k, v are on top (popped). May run __newindex. */
int ember_psettable(lua_State *L, int idx);
/* Pushes #v for the value at idx. May run __len. */
int ember_plen(lua_State *L, int idx);
/* Concatenates the n values on top, leaving the result. May run __concat. */
int ember_pconcat(lua_State *L, int n);
/* Compares the values at a and b with op (LUA_OPEQ/LT/LE); stores 0 or 1 in *result. */
int ember_pcompare(lua_State *L, int a, int b, int op, int *result);
/* lua_arith(op) on the operands on top, leaving the result. */
int ember_parith(lua_State *L, int op);
/* }====== */

/* {====== running chunks ====== */
/* The message handler: error message (or a description of a non-string error) + traceback. */
int ember_traceback(lua_State *L);
/* Routes warnings to the Swift warn callback; `owner` is handed back with each message. */
void ember_route_warnings(lua_State *L, void *owner);
/*
** A C function for a cell's trailer: copies the calling chunk's active locals into the
** globals (the `local`s of one cell stay visible to the next, LUA.md 3.7).
*/
int ember_capture_locals(lua_State *L);
/* }====== */

/* {====== interrupts (Ctrl-C) ====== */
/*
** Installs the SIGINT handler (kept for the life of the process, so a second Ctrl-C never
** kills it). `flag` is the word native loops poll; NULL uses one of the shim's own.
*/
void ember_interrupt_install(int *flag);
/* While armed, SIGINT also sets the interrupt hook on `L`. */
void ember_interrupt_arm(lua_State *L);
/* Stops arming hooks and removes the hook from `L`. */
void ember_interrupt_disarm(lua_State *L);
/* Whether an interrupt is pending (the flag is set). */
int ember_interrupt_pending(void);
/* Clears the flag (before each cell). */
void ember_interrupt_clear(void);
/* Sets the flag and, when armed, the hook — what SIGINT does (for tests and supervisors). */
void ember_interrupt_request(void);
/* Wraps coroutine.resume and coroutine.wrap so that Ctrl-C reaches a running coroutine. */
void ember_track_coroutines(lua_State *L);
/* How many SIGINTs arrived since the process started (the prompt compares counts). */
unsigned long ember_sigint_count(void);
/* }====== */

#endif
