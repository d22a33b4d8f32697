#if canImport(Glibc)
import Glibc
#endif

/// A whole file mapped into memory, private and writable: tensors viewing it can be updated in
/// place (fine-tuning loaded weights) without ever writing to the file — pages are copied on
/// first write.
final class MappedFile {
    let path: String
    let base: UnsafeMutableRawPointer
    let size: Int

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw TensorError.io("\(path): cannot open: \(errnoText())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw TensorError.io("\(path): cannot stat: \(errnoText())") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw TensorError.io("\(path): not a regular file") }
        size = Int(info.st_size)
        if size == 0 {
            base = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 64)
            return
        }
        guard let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw TensorError.io("\(path): cannot map: \(errnoText())")
        }
        base = p
    }

    deinit {
        if size == 0 { base.deallocate() } else { munmap(base, size) }
    }
}
