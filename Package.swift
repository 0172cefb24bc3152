// swift-tools-version: 6.1
import PackageDescription

// The layers (README.md, "Architecture"): each target sees only the ones below it, and the
// compiler keeps it that way.
//
//   bpe (CLI)  →  BPE (umbrella: re-exports the public API)
//                  ├─ BPETraining ─┐
//                  ├─ BPEEncoding ─┼─→ BPEFormats ─→ BPECore ─→ CPCRE2, CCompression, CPrefetch, CMemoryRemap, SystemPackage
//                  └───────────────┘
/// `BPE_SANITIZE=1` builds without jemalloc: the sanitizers' allocators refuse to share the
/// process with another malloc (`Scripts/sanitize` sets it).
let sanitizing = Context.environment["BPE_SANITIZE"] != nil || Context.environment["BPE_FUZZ"] != nil

let package = Package(
    name: "swift-bpe",
    products: [
        .library(name: "BPE", targets: ["BPE"]),
        .executable(name: "bpe", targets: ["bpe"]),
        // The C ABI the Python package (python/) loads with ctypes.
        .library(name: "swiftbpe", type: .dynamic, targets: ["BPECInterface"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2",
            path: "Sources/CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        .systemLibrary(
            name: "CCompression",
            path: "Sources/CCompression",
            providers: [.apt(["zlib1g-dev", "libzstd-dev"])]
        ),
        .target(name: "CPrefetch"),
        // `mremap`, which Swift cannot call (it is variadic): big tables grow in place.
        .target(name: "CMemoryRemap"),
        // Vectorised UTF-8 validation (AVX2 when the CPU has it), the read phase's fast path.
        .target(name: "CUTF8"),
        .target(
            name: "BPECore",
            dependencies: [
                "CPCRE2",
                "CCompression",
                "CPrefetch",
                "CMemoryRemap",
                "CUTF8",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .target(name: "BPEFormats", dependencies: ["BPECore"]),
        .target(
            name: "BPETraining",
            dependencies: [
                "BPECore",
                "BPEFormats",
                "CPrefetch",
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        .target(name: "BPEEncoding", dependencies: ["BPECore", "BPEFormats", "CPrefetch"]),
        .target(name: "BPEReport", dependencies: ["BPECore", "BPEFormats", "BPETraining", "BPEEncoding"]),
        .target(name: "BPE", dependencies: ["BPECore", "BPEFormats", "BPETraining", "BPEEncoding", "BPEReport"]),
        .target(name: "BPECInterface", dependencies: ["BPE"]),
        .executableTarget(
            name: "bpe",
            dependencies: [
                "BPE",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: sanitizing ? [] : [.linkedLibrary("jemalloc")]
        ),
        .testTarget(
            name: "BPETests",
            dependencies: ["BPE", "bpe", "BPEReport", "CCompression"]
        ),
    ]
)

// `BPE_FUZZ=1` adds the libFuzzer targets (`Scripts/fuzz` builds them with
// `--sanitize=fuzzer --sanitize=address`); nothing else ever builds them.
if Context.environment["BPE_FUZZ"] != nil {
    package.targets.append(.executableTarget(
        name: "bpe-fuzz",
        dependencies: ["BPECore", "BPEFormats", "BPETraining", "BPEEncoding"],
        path: "Fuzz",
        swiftSettings: [.unsafeFlags(["-parse-as-library", "-enable-testing"])]
    ))
}
