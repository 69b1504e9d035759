namespace Bridge.Formats.Pickle;

// What the restricted unpickler can produce besides None (null), bool, long, double, string, tuples (object?[]) and
// lists (List<object?>): plain data, never an object of a Python class.

/// <summary>A Python global the pickle named (module and name), which the unpickler allowed.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>A dict or collections.OrderedDict: its items in the pickle's order.</summary>
internal sealed class PickleDict
{
    public PickleDict(bool ordered) => Ordered = ordered;

    public bool Ordered { get; }

    public List<KeyValuePair<object, object?>> Items { get; } = [];

    public object? this[string key] => Items.FirstOrDefault(i => i.Key is string k && k == key).Value;
}

/// <summary>
/// A torch storage named by the pickle's persistent id ('storage', torch.FloatStorage, key, location, numel): its
/// bytes are the archive's record data/KEY.
/// </summary>
internal sealed record StorageRef(PickleGlobal Type, string Key, string Location, long ElementCount);

/// <summary>A tensor as torch._utils._rebuild_tensor_v2 describes it: a view of a storage.</summary>
internal sealed record TensorRef(StorageRef Storage, long Offset, long[] Size, long[] Stride);
