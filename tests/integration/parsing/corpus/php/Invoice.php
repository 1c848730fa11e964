<?php

declare(strict_types=1);

namespace App\Billing;

use DateTimeImmutable;

/**
 * Something that can be priced.
 */
interface Priceable
{
    public function price(): int;
}

/** Adds a timestamp. */
trait Timestamps
{
    public function touch(): void
    {
        $this->updatedAt = new DateTimeImmutable();
    }
}

#[Entity(table: "invoices")]
final class Invoice implements Priceable
{
    use Timestamps;

    /**
     * @param list<int> $amounts
     */
    public function __construct(private array $amounts = [])
    {
    }

    // Plain comment.
    public function price(): int
    {
        $sum = function (array $xs): int {
            return array_sum($xs);
        };
        return $sum($this->amounts);
    }

    /** Creates an invoice from a CSV line. */
    #[Pure]
    public static function fromCsv(string $line): static
    {
        return new static(array_map('intval', explode(',', $line)));
    }
}

enum Currency: string
{
    case Eur = 'EUR';

    public function symbol(): string
    {
        return match ($this) {
            Currency::Eur => '€',
        };
    }
}

function format_amount(int $cents, Currency $c = Currency::Eur): string
{
    $helper = fn($x) => $x / 100;
    return sprintf('%.2f %s', $helper($cents), $c->symbol());
}
?>
<p>Trailing HTML</p>
