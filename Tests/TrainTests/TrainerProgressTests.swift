import Testing
import Train

/// The progress bar's line and the number formats of the log.
@Suite struct TrainerProgressTests {
    @Test func barLine() {
        var bar = ProgressBar()
        bar.epoch = 2
        bar.epochs = 5
        bar.batchesPerEpoch = 120
        bar.batchesAfterEpoch = 360
        for _ in 0..<37 { bar.record(loss: 0.5, seconds: 0.25) }
        bar.batch = 37
        // 37/120 of 30 cells is 9.25 cells: nine full blocks and a quarter block.
        #expect(
            bar.render(width: 100)
                == "epoch 2/5 █████████▎                     37/120  loss 0.5000  4.00 it/s  ETA 1:51")
        // Narrow terminals drop the bar first.
        #expect(bar.render(width: 50) == "epoch 2/5 37/120  loss 0.5000  4.00 it/s  ETA 1:5")
        var slow = ProgressBar()
        slow.record(loss: .nan, seconds: 4)
        slow.batch = 1
        #expect(slow.render(width: 80) == "epoch 1 1  4.00 s/it")
    }

    @Test func numbers() {
        #expect(NumberText.fixed(0.69314, 4) == "0.6931")
        #expect(NumberText.fixed(-0.00004, 4) == "0.0000")
        #expect(NumberText.fixed(-2.5, 1) == "-2.5")
        #expect(NumberText.fixed(12, 0) == "12")
        #expect(NumberText.fixed(.nan, 3) == "nan" && NumberText.fixed(-.infinity, 3) == "-inf")
        #expect(NumberText.scientific(1e-3) == "1.00e-03")
        #expect(NumberText.scientific(0.0009996) == "1.00e-03")
        #expect(NumberText.scientific(2.5e-5) == "2.50e-05")
        #expect(NumberText.scientific(123.4) == "1.23e+02")
        #expect(NumberText.scientific(0) == "0")
        #expect(NumberText.clock(111) == "1:51" && NumberText.clock(3725) == "1:02:05" && NumberText.clock(.nan) == "?")
    }
}
