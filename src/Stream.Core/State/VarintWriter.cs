using System.Buffers.Binary;

namespace Stream.Core.State;

/// <summary>LEB128 varints (zig-zag for signed values) over a caller-owned span.</summary>
internal ref struct VarintWriter(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;

    public int Position { get; private set; }

    public void Byte(byte value) => _buffer[Position++] = value;

    public void Unsigned(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer[Position++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[Position++] = (byte)value;
    }

    public void Signed(long value) => Unsigned((ulong)((value << 1) ^ (value >> 63)));

    public void Fixed64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer[Position..], value);
        Position += 8;
    }

    public void Text(string value)
    {
        var written = System.Text.Encoding.UTF8.GetBytes(value, _buffer[(Position + 1)..]);
        if (written > byte.MaxValue) throw new ArgumentException("text longer than 255 bytes", nameof(value));
        _buffer[Position] = (byte)written;
        Position += 1 + written;
    }
}

internal ref struct VarintReader(ReadOnlySpan<byte> buffer)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private int _position;

    public readonly bool AtEnd => _position == _buffer.Length;

    public byte Byte() => _buffer[_position++];

    public ulong Unsigned()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = _buffer[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw new FormatException("varint longer than 10 bytes");
    }

    public long Signed()
    {
        var raw = Unsigned();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public ulong Fixed64()
    {
        var value = BinaryPrimitives.ReadUInt64LittleEndian(_buffer[_position..]);
        _position += 8;
        return value;
    }

    public string Text()
    {
        var length = _buffer[_position++];
        var text = System.Text.Encoding.UTF8.GetString(_buffer.Slice(_position, length));
        _position += length;
        return text;
    }
}
