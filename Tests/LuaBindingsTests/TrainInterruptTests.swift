import Lua
import TensorCore
import TestSupport
import Testing

/// Ctrl-C during `tr:fit` from Lua, as the REPL delivers it: the flag plus a hook that raises
/// `interrupted` at the next Lua instruction — inside a loss function, or inside a data iterator
/// after it advanced but before its batch reached the trainer. Either way `fit` stops, and
/// running it again ends with exactly the parameters of a run never stopped. Raising interrupts,
/// these run in scripts/test's separate pass (`*InterruptTests`).
@Suite struct TrainLuaInterruptTests {
    static let parts = """
        local function batches()
          tensor.seed(2)
          local list = {}
          for i = 1, 6 do
            list[i] = {inputs = tensor.randn(5, 4), labels = tensor({0, 1, 2, 0, 1}, {dtype = "int64"})}
          end
          return list
        end
        data_batches = batches()
        function parts(loss, data)
          tensor.seed(3)
          local m = {w = (tensor.randn(3, 4) * 0.3):requires_grad()}
          function m:parameters() return {self.w} end
          function m:forward(batch)
            local logits = batch.inputs:matmul(self.w:t())
            return {logits = logits, loss = -(logits:log_softmax(2):gather(2, batch.labels:unsqueeze(2))):mean()}
          end
          return {model = m, optimizer = optim.AdamW(m:parameters(), {lr = 0.05}), loss = loss,
                  train = data or data_batches, accumulate = 2, log_every = 0, progress = false}
        end
        reference = parts()
        train.Trainer(reference):fit{epochs = 3}
        function same_as_reference(p) return (p.model.w - reference.model.w):abs():max():item() == 0 end
        """

    /// Runs `setup`, then `tr:fit{epochs = 3}` expecting Ctrl-C, then again; returns whether
    /// the parameters equal the uninterrupted run's.
    func interruptedAndContinued(_ setup: String) throws -> Bool {
        try InterruptLock.shared.withLock {
            // One flag for the Lua hook and the native loops, as the ember command sets it up.
            LuaInterrupts.install(flag: Interrupt.flag)
            defer { LuaInterrupts.clear() }
            let fixture = try EmberFixture()
            fixture.lua.function("press_ctrl_c", "press_ctrl_c()", "What Ctrl-C does (tests).") { _ in
                LuaInterrupts.request()
                return 0
            }
            try fixture.lua.evaluate(Self.parts + "\n" + setup, chunkName: "=[setup]")
            #expect {
                try fixture.lua.evaluate("tr:fit{epochs = 3}", chunkName: "=[fit]")
            } throws: { error in
                (error as? LuaError)?.kind == .interrupted
            }
            #expect(fixture.output.contains("interrupted in epoch"))
            LuaInterrupts.clear()
            try fixture.lua.evaluate("tr:fit{epochs = 3}", chunkName: "=[again]")
            guard case .boolean(let same) = try fixture.lua.evaluate("return same_as_reference(run)")[0] else {
                return false
            }
            return same
        }
    }

    @Test func ctrlCInsideALossFunction() throws {
        #expect(
            try interruptedAndContinued(
                """
                local calls = 0
                run = parts(function(model, batch)
                  calls = calls + 1
                  if calls == 5 then press_ctrl_c() end
                  return model:forward(batch).loss
                end)
                tr = train.Trainer(run)
                """))
    }

    @Test func ctrlCInsideADataIteratorAfterItAdvanced() throws {
        #expect(
            try interruptedAndContinued(
                """
                local pressed = false
                run = parts(nil, function()
                  local i = 0
                  return function()
                    i = i + 1
                    if i == 3 and not pressed then pressed = true; press_ctrl_c() end
                    return data_batches[i]
                  end
                end)
                tr = train.Trainer(run)
                """))
    }
}
