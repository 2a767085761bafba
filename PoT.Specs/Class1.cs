namespace PoT.Specs;

public class Class1
{

}
