namespace Bridge.Comparison;

public static class ExitCodes
{
    public const int Agree = 0;
    public const int Disagree = 1;
    public const int BadArguments = 2;
}
