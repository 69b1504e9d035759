namespace Bridge;

/// <summary>
/// How a denoising autoencoder's training inputs are corrupted. Corruption is drawn in Core, from the training
/// seed, epoch and step, so every backend sees the same corrupted inputs. Targets stay clean.
/// </summary>
public abstract record Corruption
{
    public static Corruption None { get; } = new NoCorruption();

    /// <summary>x̃ = x + ε, ε ~ N(0, σ²) per value.</summary>
    public static Corruption Gaussian(double standardDeviation) => new GaussianNoise(standardDeviation);

    /// <summary>Each value set to 0 with probability <paramref name="fraction"/> (the masking noise of Vincent et al.).</summary>
    public static Corruption Masking(double fraction) => new MaskingNoise(fraction);

    /// <summary>Each value set, with probability <paramref name="fraction"/>, to <paramref name="low"/> or <paramref name="high"/> (even odds).</summary>
    public static Corruption SaltAndPepper(double fraction, double low = 0, double high = 1) => new SaltAndPepperNoise(fraction, low, high);

    public bool IsNone => this is NoCorruption;

    public abstract void Validate();

    /// <summary>Corrupts one batch of inputs in place.</summary>
    public abstract void Apply(Span<double> values, Rng rng);

    public abstract string Describe();

    private sealed record NoCorruption : Corruption
    {
        public override void Validate() { }
        public override void Apply(Span<double> values, Rng rng) { }
        public override string Describe() => "none";
    }

    private sealed record GaussianNoise(double StandardDeviation) : Corruption
    {
        public override void Validate()
        {
            if (!(StandardDeviation >= 0) || !double.IsFinite(StandardDeviation))
                throw new ArgumentException($"Gaussian corruption needs a finite standard deviation ≥ 0, got {StandardDeviation}.");
        }

        public override void Apply(Span<double> values, Rng rng)
        {
            for (int i = 0; i < values.Length; i++) values[i] += StandardDeviation * rng.Normal();
        }

        public override string Describe() => $"gaussian(σ={StandardDeviation:G4})";
    }

    private sealed record MaskingNoise(double Fraction) : Corruption
    {
        public override void Validate()
        {
            if (!(Fraction >= 0 && Fraction <= 1))
                throw new ArgumentException($"Masking corruption needs a fraction in [0, 1], got {Fraction}.");
        }

        public override void Apply(Span<double> values, Rng rng)
        {
            for (int i = 0; i < values.Length; i++) if (rng.NextDouble() < Fraction) values[i] = 0;
        }

        public override string Describe() => $"masking({Fraction:P0})";
    }

    private sealed record SaltAndPepperNoise(double Fraction, double Low, double High) : Corruption
    {
        public override void Validate()
        {
            if (!(Fraction >= 0 && Fraction <= 1))
                throw new ArgumentException($"Salt-and-pepper corruption needs a fraction in [0, 1], got {Fraction}.");
        }

        public override void Apply(Span<double> values, Rng rng)
        {
            for (int i = 0; i < values.Length; i++)
                if (rng.NextDouble() < Fraction) values[i] = rng.NextDouble() < 0.5 ? Low : High;
        }

        public override string Describe() => $"salt-and-pepper({Fraction:P0})";
    }
}
