using System;
using System.Collections.Generic;

namespace Shop.Orders
{
    /// <summary>
    /// An order line.
    /// </summary>
    public record Line(string Sku, int Quantity);

    /// <summary>Something with a total.</summary>
    public interface ITotal
    {
        decimal Total();
    }

    [Serializable]
    public class Order<TLine> : ITotal where TLine : Line
    {
        private readonly List<TLine> _lines = new();

        /// <summary>Creates an order.</summary>
        public Order(string id)
        {
            Id = id;
        }

        public string Id { get; }

        // Not a doc comment.
        public decimal Total()
        {
            decimal Sum(IEnumerable<TLine> lines)
            {
                decimal s = 0;
                foreach (var l in lines) s += l.Quantity;
                return s;
            }
            return Sum(_lines);
        }

        /// <summary>Adds a line.</summary>
        [Obsolete("use Add(TLine, int)")]
        public void Add(TLine line) => _lines.Add(line);

        public static Order<TLine> operator +(Order<TLine> order, TLine line)
        {
            order.Add(line);
            return order;
        }

        private struct Cursor
        {
            public int Position;

            public void Advance() { Position++; }
        }
    }

    public enum Status { Open, Closed }
}
