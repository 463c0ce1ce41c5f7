/// Pillow's 8-bit compositing arithmetic (libImaging `ImPlatform.h` macros, `Convert.c`, `Paste.c`,
/// `AlphaComposite.c`), term for term, on interleaved RGBA / premultiplied "RGBa" bytes. A1111's masked-content
/// fill and paste-back are built from these, so their rounding decides the result's last bit.
enum PillowCompositing {
    /// `SHIFTFORDIV255(a)`: `((a >> 8) + a) >> 8`, Pillow's division by 255.
    @inline(__always) static func shiftForDiv255(_ a: UInt32) -> UInt32 { ((a >> 8) &+ a) >> 8 }

    /// `BLEND(mask, in1, in2)`: `DIV255(in1 * (255 - mask) + in2 * mask)`.
    @inline(__always) static func blend(_ mask: UInt32, _ in1: UInt32, _ in2: UInt32) -> UInt32 {
        shiftForDiv255(in1 &* (255 - mask) &+ in2 &* mask &+ 128)
    }

    /// `Image.paste(source, mask=mask)` of two same-size 4-channel images (`paste_mask_L`): every byte,
    /// alpha included, becomes `BLEND(mask, destination, source)`.
    static func pasted(_ source: [UInt8], onto destination: [UInt8], mask: [UInt8]) -> [UInt8] {
        var output = destination
        for index in 0..<mask.count {
            let weight = UInt32(mask[index])
            for channel in 0..<4 {
                let offset = index * 4 + channel
                output[offset] = UInt8(blend(weight, UInt32(destination[offset]), UInt32(source[offset])))
            }
        }
        return output
    }

    /// `Image.alpha_composite(destination, source)` (`ImagingAlphaComposite`) of same-size RGBA bytes: Porter-Duff
    /// "over" with Pillow's 7 extra bits of precision and rounded divisions.
    static func alphaComposited(_ source: [UInt8], over destination: [UInt8]) -> [UInt8] {
        var output = destination
        let precisionBits: UInt32 = 7
        for index in stride(from: 0, to: source.count, by: 4) {
            let sourceAlpha = UInt32(source[index + 3])
            if sourceAlpha == 0 { continue }  // the destination pixel, unchanged
            let destinationAlpha = UInt32(destination[index + 3])
            let blend = destinationAlpha * (255 - sourceAlpha)
            let outAlpha255 = sourceAlpha * 255 + blend
            let coefficient1 = sourceAlpha * 255 * 255 * (1 << precisionBits) / outAlpha255
            let coefficient2 = 255 * (1 << precisionBits) - coefficient1
            for channel in 0..<3 {
                let value = UInt32(source[index + channel]) * coefficient1
                    + UInt32(destination[index + channel]) * coefficient2
                output[index + channel] = UInt8(truncatingIfNeeded:
                    shiftForDiv255(value + (0x80 << precisionBits)) >> precisionBits)
            }
            output[index + 3] = UInt8(truncatingIfNeeded: shiftForDiv255(outAlpha255 + 0x80))
        }
        return output
    }
}
