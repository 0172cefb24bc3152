// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "swift-bpe",
    products: [
        .library(name: "BPE", targets: ["BPE"]),
        .executable(name: "bpe", targets: ["bpe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2",
            path: "Sources/CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        .target(name: "CPrefetch"),
        .target(
            name: "BPE",
            dependencies: [
                "CPCRE2",
                "CPrefetch",
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        .executableTarget(
            name: "bpe",
            dependencies: [
                "BPE",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: [.linkedLibrary("jemalloc")]
        ),
        .testTarget(
            name: "BPETests",
            dependencies: ["BPE", "bpe"]
        ),
    ]
)
