import Lua
import Testing

/// All Lua target tests run one at a time: Ctrl-C is process-wide, and the interrupt test must
/// not hit another test's state (tests of other targets that run Lua take ``InterruptLock``).
@Suite(.serialized) enum LuaTargetTests {}

/// A Swift class exposed to Lua in the tests, standing in for tensors until they exist.
final class Counter {
    var value: Int
    var closed = false
    init(_ value: Int) { self.value = value }
}

/// A second type, to check that methods refuse objects of the wrong type.
final class Gauge {
    var level = 0.0
}

/// A state with the `counter` library and the `Counter` and `Gauge` types registered, and a
/// sink that keeps what is printed.
final class Fixture {
    var printed = ""
    let lua: LuaState

    init() {
        let box = PrintBox()
        lua = LuaState(output: LuaOutput { box.text += $0 })
        self.box = box
        Fixture.register(lua)
    }

    private let box: PrintBox
    var output: String { box.text }

    static func register(_ lua: LuaState) {
        let counter = lua.library("counter", summary: "Test counters.")
        counter.function("new", "counter.new([start]) -> Counter", "A new counter.") { call in
            try call.expectAtMost(1)
            return try call.push(object: Counter(call.integer(at: 1, default: 0)))
        }
        counter.function("sum", "counter.sum(a, b[, {scale=}]) -> number", "Adds two numbers.") { call in
            let options = try call.options(at: 3, allowed: ["scale", "offset"])
            let scale = try options.number("scale") ?? 1
            return call.push((try call.number(at: 1) + call.number(at: 2)) * scale)
        }
        counter.function("apply", "counter.apply(f, x) -> any", "Calls f(x) from Swift.") { call in
            let f = try call.function(at: 1)
            let results = try call.call(f) { call in call.pushArgument(2) }
            return results.reduce(0) { $0 + call.push($1) }
        }
        counter.function("inspect", "counter.inspect(v, w) -> table", "Lua semantics from Swift.") { call in
            // v.name, #v, v .. w, v < w, v + w — each through its metamethods, protected.
            let name = try call.field("name", of: 1)
            let length = try call.length(at: 1)
            let joined = try call.concatenate([1, 2])
            let less = try call.compare(1, 2, .lessThan)
            let sum = try call.arithmetic(.add, 1, 2)
            try call.setField("seen", of: 1, to: true)
            return call.pushTable { table in
                table.set("name", name)
                table.set("length", length)
                table.set("joined", joined)
                table.set("less", less)
                table.set("sum", sum)
            }
        }
        counter.function("fail", "counter.fail()", "Throws a Swift error.") { _ in
            throw LuaMessageError("native failure")
        }
        counter.function("allocate", "counter.allocate(mb)", "Notes native memory.") { call in
            call.lua.noteNativeAllocation(bytes: try call.integer(at: 1) << 20)
            return 0
        }
        counter.function("kernel", "counter.kernel()", "A native loop stopped by Ctrl-C.") { _ in
            // What a kernel sees when SIGINT arrives while it runs: the flag set, then its own
            // error (TensorError.interrupted in real code).
            LuaInterrupts.request()
            throw LuaMessageError("kernel stopped")
        }

        let type = lua.userType(Counter.self, name: "Counter", summary: "A counter.")
        type.method("add", "c:add(n) -> Counter", "Adds n.") { c, call in
            c.value += try call.integer(at: 2)
            return call.pushArgument(1)
        }
        type.method("get", "c:get() -> integer", "The value.") { c, call in call.push(c.value) }
        type.property("value", "c.value", "The value.") { c, call in call.push(c.value) }
        type.setter("value") { c, call in c.value = try call.integer(at: 3) }
        type.tostring { "Counter(\($0.value))" }
        type.length { c in
            guard c.value >= 0 else { throw LuaMessageError("negative counter has no length") }
            return c.value
        }
        type.elements("c[k]", "k times the value; c[k] = v sets the value to k * v.") { c, call in
            call.push(c.value * (try call.integer(at: 2)))
        } set: { c, call in
            c.value = try call.integer(at: 2) * call.integer(at: 3)
        }
        type.onClose { $0.closed = true }
        type.metamethod(.add, "c + n or n + c") { call in
            var total = 0.0
            for position in 1...2 {
                switch try call.operand(at: position, as: Counter.self) {
                case .object(let c): total += Double(c.value)
                case .number(let x): total += x
                }
            }
            return call.push(total)
        }
        type.metamethod(.call, "c(n)") { call in
            call.push(try call.object(at: 1, as: Counter.self).value * (try call.integer(at: 2)))
        }
        type.metamethod(.eq, "c == d") { call in
            call.push(try call.object(at: 1, as: Counter.self).value == call.object(at: 2, as: Counter.self).value)
        }
        type.metamethod(.concat, "c .. s") { call in
            call.push(try call.convertToString(at: 1) + call.convertToString(at: 2))
        }

        let gauge = lua.userType(Gauge.self, name: "Gauge", summary: "A gauge.")
        gauge.method("level", "g:level() -> number", "The level.") { g, call in call.push(g.level) }
        lua.function("gauge", "gauge() -> Gauge", "A new gauge.") { call in try call.push(object: Gauge()) }
    }
}

final class PrintBox {
    var text = ""
}
