namespace Pishkhan.Problems;

/// <summary>Collects per-field errors; <see cref="ThrowIfAny"/> answers 400 with all of them at once.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
        return this;
    }

    public bool Has(string field) => _errors.ContainsKey(field);

    public void AddAll(IDictionary<string, string[]> errors, string prefix = "")
    {
        foreach (var (field, messages) in errors)
            foreach (var m in messages) Add(prefix + field, m);
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public void ThrowIfAny()
    {
        if (Any) throw Problem.Validation(ToDictionary());
    }
}
