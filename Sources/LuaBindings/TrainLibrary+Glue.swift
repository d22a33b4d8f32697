import FoundationEssentials
import Lua
import TensorCore
import Train

/// The Lua side of a trainer: small Lua closures over the user's model, loss function and data,
/// made once per `train.Trainer{...}` by ``TrainLibrary/glueSource``.
///
/// Swift holds Lua functions through registry references but has no way to hold other Lua
/// values — a model written as a Lua table, a loader object — so the Lua helper keeps them as
/// upvalues and hands Swift closures that use them: `forward(batch)`, `loss(batch)`,
/// `parameters()`, `state_dict()`, `mode(training)`, and per data source `next()`, `rewind()`
/// and, for a loader with `state_dict`/`load_state_dict`, `state()` and `load(state)`.
/// This is also the seam to the `nn` library: its models are reached through the same
/// `forward`/`parameters` methods until they are Swift `Module`s on the Lua side.
extension TrainLibrary {
    static let glueSource = """
        return function(spec)
          local model, loss = spec.model, spec.loss
          local function source(data, role)
            if data == nil then return nil end
            local list = type(data) == "table" and getmetatable(data) == nil and rawget(data, "iter") == nil
            local object = type(data) == "table" or type(data) == "userdata"
            if not list and type(data) ~= "function" and not (object and data.iter) then
              error("train.Trainer: " .. role .. "= must be a data.loader, a list of batch tables, "
                .. "or a function returning an iterator", 0)
            end
            local f, s, c
            local function start()
              if list then
                local i = 0
                f = function() i = i + 1; return data[i] end
              elseif type(data) == "function" then
                f, s, c = data()
              else
                f, s, c = data:iter()
              end
            end
            local count = list and #data or nil
            if type(data) == "userdata" then
              local ok, n = pcall(function() return #data end)
              if ok and math.type(n) == "integer" then count = n end
            end
            local stateful = object and data.state_dict and data.load_state_dict
            return {
              next = function()
                if f == nil then start() end
                local batch = f(s, c)
                c = batch
                if batch == nil then f = nil end
                return batch
              end,
              rewind = function() f = nil end,
              count = count,
              state = stateful and function() return data:state_dict() end or nil,
              load = stateful and function(state) data:load_state_dict(state); f = nil end or nil,
            }
          end
          local glue = {
            forward = function(batch) return model:forward(batch) end,
            parameters = function() return model:parameters() end,
            state_dict = function() if model.state_dict then return model:state_dict() end end,
            mode = function(training)
              local switch = training and model.train or model.eval
              if switch then switch(model) end
            end,
            train = source(spec.train, "train"),
            val = source(spec.val, "val"),
          }
          if loss then glue.loss = function(batch) return loss(model, batch) end end
          return glue
        end
        """
}

/// The `LuaCall` of the trainer method running now, through which the trainer's Lua closures
/// are called: Swift may call into Lua only on the running thread's stack.
final class LuaCallContext {
    private var current: LuaCall?

    /// Runs `body` with `call` as the current call.
    func with<R>(_ call: LuaCall, _ body: () throws -> R) throws -> R {
        let saved = current
        current = call
        defer { current = saved }
        return try body()
    }

    /// Calls a Lua closure of the glue. Errors raised in Lua keep the position where the user's
    /// code failed, and the user's frames of the inner traceback are kept in the message: the
    /// stack they describe is gone by the time Lua reports the error, whose own traceback
    /// starts at the trainer method.
    func call(_ function: LuaRef, _ arguments: @escaping (LuaCall) throws -> Int = { _ in 0 }) throws -> [LuaValue] {
        guard let current else { throw LuaMessageError("train: the trainer's Lua parts run only inside its methods") }
        do {
            return try current.call(function, arguments: arguments)
        } catch var error as LuaError where error.kind == .runtime {
            // Frames up to the trainer's Swift method, without the glue's own.
            var frames: [Substring] = []
            for line in error.traceback.split(separator: "\n") {
                if line.hasPrefix("\t[C]: in ") { break }
                if !line.contains("train.Trainer:") && !line.contains("(...tail calls...)") { frames.append(line) }
            }
            if !frames.isEmpty { error.message += "\nin the trainer:\n" + frames.joined(separator: "\n") }
            throw error
        }
    }
}

/// A batch from Lua: the table as given (passed again to the loss function) and its tensors.
struct LuaBatch: TrainingBatch {
    let table: LuaTable
    let tensors: [String: Tensor]
    let sampleCount: Int

    /// Reads the batch `value` that the `role` data gave.
    init(_ value: LuaValue, role: String) throws {
        guard case .table(let table) = value else {
            throw LuaMessageError("train: the \(role) data gave a \(value.typeName) where a batch table was expected")
        }
        self.table = table
        var tensors: [String: Tensor] = [:]
        for (name, field) in table.fields {
            if case .object(let tensor as Tensor) = field { tensors[name] = tensor }
        }
        self.tensors = tensors
        sampleCount = TensorBatch(tensors).sampleCount
    }
}

/// Batches from a Lua list, iterator or loader object, through the glue's `next`/`rewind`.
///
/// Its position is the pass and the batches taken in it, plus the loader's own
/// `state_dict()` when it has one (a `data.loader` does): restoring then loads that state, which
/// resumes a shuffled loader exactly without decoding anything again. Without it, restoring
/// starts the pass again and skips that many batches — exact when each pass visits the same
/// batches in the same order, as a list does.
final class LuaBatchSource: BatchSource {
    let context: LuaCallContext
    let nextFunction: LuaRef
    let rewindFunction: LuaRef
    let stateFunction: LuaRef?
    let loadFunction: LuaRef?
    let role: String
    let batchesPerPass: Int?
    private var pass = 0
    private var index = 0
    /// Where the iterator must be put back after a `next()` that failed, done by the next use:
    /// while Ctrl-C's flag is set every Lua instruction raises again, so it cannot be done at once.
    private var pendingMove: (index: Int, state: [String: Int64]?)?

    init(context: LuaCallContext, glue: LuaTable, role: String) throws {
        guard case .function(let next)? = glue.fields["next"], case .function(let rewind)? = glue.fields["rewind"]
        else {
            throw LuaMessageError("train: internal error: the \(role) source has no next/rewind")
        }
        self.context = context
        nextFunction = next
        rewindFunction = rewind
        if case .function(let state)? = glue.fields["state"], case .function(let load)? = glue.fields["load"] {
            (stateFunction, loadFunction) = (state, load)
        } else {
            (stateFunction, loadFunction) = (nil, nil)
        }
        self.role = role
        batchesPerPass = glue.fields["count"]?.integer
    }

    func nextBatch() throws -> LuaBatch? {
        try settle()
        // Ctrl-C raises in the first Lua line that runs, which may come after the iterator
        // advanced and before the batch reached Swift: then the iterator is put back where it
        // stood, so no batch is lost and the position stays true.
        let before = try stateFunction.map { _ in try loaderState() }
        let value: LuaValue
        do {
            value = try context.call(nextFunction).first ?? .nil
        } catch {
            pendingMove = (index, before)
            throw error
        }
        if case .nil = value {
            pass += 1
            index = 0
            return nil
        }
        index += 1
        return try LuaBatch(value, role: role)
    }

    func rewind() throws {
        pendingMove = nil  // a new pass starts anyway
        _ = try context.call(rewindFunction)
        if index > 0 {
            pass += 1
            index = 0
        }
    }

    private struct Position: Codable {
        var pass: Int
        var index: Int
        /// The loader's `state_dict()`: integer fields only (a data.loader's epoch, position, seed).
        var state: [String: Int64]?
    }

    func savedPosition() throws -> String? {
        try settle()
        var position = Position(pass: pass, index: index)
        if stateFunction != nil { position.state = try loaderState() }
        return String(decoding: try JSONEncoder().encode(position), as: UTF8.self)
    }

    /// Puts the iterator back after a failed `next()`.
    private func settle() throws {
        guard let move = pendingMove else { return }
        try moveIterator(to: move.index, state: move.state)
        pendingMove = nil
    }

    /// The loader's `state_dict()`.
    private func loaderState() throws -> [String: Int64] {
        let unsaveable = TrainingError.checkpoint(
            "the \(role) data's state_dict() must return a table of integers to be saved")
        guard let stateFunction, case .table(let table)? = try context.call(stateFunction).first, table.array.isEmpty
        else { throw unsaveable }
        var state: [String: Int64] = [:]
        for (name, value) in table.fields {
            guard case .integer(let n) = value else { throw unsaveable }
            state[name] = n
        }
        return state
    }

    /// Puts the iterator `index` batches into a pass: by loading the loader's `state`, or by
    /// starting the pass again and skipping batches.
    private func moveIterator(to index: Int, state: [String: Int64]?) throws {
        if let state {
            guard let loadFunction else {
                throw TrainingError.checkpoint(
                    "the checkpoint holds a loader state, but the \(role) data has no load_state_dict")
            }
            var table = LuaTable()
            table.fields = state.mapValues { LuaValue.integer($0) }
            _ = try context.call(loadFunction) { $0.push(table) }
            return
        }
        _ = try context.call(rewindFunction)
        for taken in 0..<index {
            guard case .table? = try context.call(nextFunction).first else {
                throw TrainingError.checkpoint(
                    "the \(role) data ended after \(taken) batches, "
                        + "but the checkpoint was \(index) batches into a pass")
            }
        }
    }

    func restorePosition(_ saved: String) throws {
        guard let position = try? JSONDecoder().decode(Position.self, from: Data(saved.utf8)) else {
            throw TrainingError.checkpoint("the saved position \(saved) is not one of Lua data")
        }
        pendingMove = nil
        try moveIterator(to: position.index, state: position.state)
        (pass, index) = (position.pass, position.index)
    }
}
