// Shopping cart helpers.
import { formatPrice } from "./format.js";

/**
 * Sum the prices of all items.
 * @param {Array<{price: number}>} items
 */
export function total(items) {
  return items.reduce((sum, item) => sum + item.price, 0);
}

// Not a doc comment for JSDoc purposes.
const applyDiscount = (amount, rate = 0.1) => amount * (1 - rate);

/** Formats a line. */
const describe = function describeLine(item) {
  return `${item.name}: ${formatPrice(item.price)}`;
};

export default class Cart {
  #items = [];

  /** Create a cart for an owner. */
  constructor(owner) {
    this.owner = owner;
  }

  static empty() {
    return new Cart(null);
  }

  get size() {
    return this.#items.length;
  }

  /**
   * Add an item; returns the cart.
   */
  async *add(item) {
    function validate(x) {
      return x != null;
    }
    if (validate(item)) this.#items.push(item);
    yield this;
  }

  onChange = (event) => {
    console.log(event);
  };
}

module.exports.helper = function () {
  return 1;
};

/** Yields ids forever. */
function* ids() {
  let next = 0;
  while (true) yield next++;
}

var first = () => 1, second = function () { return 2; };

/** A handler that logs. */
@sealed
class Handler {
  /** Handle one event. */
  @bound
  handle(event) {
    return event;
  }
}
