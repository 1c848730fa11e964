# frozen_string_literal: true

require "set"

# Helpers shared by library models.
module Library
  # A book on a shelf.
  # Books are compared by ISBN.
  class Book
    include Comparable

    attr_reader :isbn, :title

    # Build a book.
    def initialize(isbn, title)
      @isbn = isbn
      @title = title
    end

    def <=>(other)
      isbn <=> other.isbn
    end

    # Look a book up by ISBN.
    def self.find(isbn)
      all.find { |b| b.isbn == isbn }
    end

    class << self
      def all
        @all ||= []
      end
    end

    private

    def checked_out?
      false
    end
  end

  class Shelf < Struct.new(:books)
    def each(&block)
      books.each(&block)
    end
  end

  def self.version = "1.0"
end

# Not attached.

def top_level_helper(*args, **opts)
  args.size + opts.size
end

=begin
Block comments are not doc comments.
=end
def after_block_comment
  nil
end
