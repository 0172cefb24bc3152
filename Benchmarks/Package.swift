// swift-tools-version: 6.1
// Kernel micro-benchmarks for swift-bpe, on ordo-one's package-benchmark. A separate package
// so that `swift test` at the top level never builds it. Run: `cd Benchmarks && swift package benchmark`.
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder, whatever the clone was called.
let swiftBPE = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "swift-bpe-benchmarks",
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Kernels",
            dependencies: [
                .product(name: "BPE", package: swiftBPE),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Kernels",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
